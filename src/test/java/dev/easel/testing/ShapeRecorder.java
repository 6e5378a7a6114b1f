package dev.easel.testing;

import dev.easel.model.weights.Weights;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records the tensors a builder asks for, answering every request with zeros from one shared buffer
 * (the graph is never run): counts a real architecture's parameters without allocating them.
 */
public final class ShapeRecorder implements Weights {
  private final Map<String, Long> sizes = new LinkedHashMap<>();
  private ByteBuffer zeros = ByteBuffer.allocate(0);

  @Override
  public ByteBuffer float32(String key, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    sizes.put(key, n);
    if (zeros.capacity() < n * 4) {
      zeros = ByteBuffer.allocate(Math.toIntExact(n * 4));
    }
    return zeros.slice(0, (int) (n * 4));
  }

  @Override
  public boolean contains(String key) {
    return sizes.containsKey(key);
  }

  @Override
  public String source() {
    return "shape recorder";
  }

  /** Parameters asked for so far, each tensor counted once. */
  public long parameters() {
    return sizes.values().stream().mapToLong(Long::longValue).sum();
  }
}
