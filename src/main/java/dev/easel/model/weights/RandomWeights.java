package dev.easel.model.weights;

import dev.easel.model.safetensors.DType;
import dev.easel.model.safetensors.SafeTensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Weights made up on request: a builder run against it defines the component's tensors (names and
 * shapes come from the builder itself), which can then be saved as a real safetensors file. Values
 * are scaled like a trained network's so activations stay in a sane range: matrices ~ N(0,
 * 1/fan_in), norm scales near 1, biases small.
 */
public final class RandomWeights implements Weights {
  private final long seed;
  private final Map<String, long[]> shapes = new LinkedHashMap<>();
  private final Map<String, ByteBuffer> data = new LinkedHashMap<>();

  public RandomWeights(long seed) {
    this.seed = seed;
  }

  @Override
  public ByteBuffer float32(String key, long... shape) {
    ByteBuffer existing = data.get(key);
    if (existing != null) {
      return existing.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    ByteBuffer buf =
        ByteBuffer.allocateDirect(Math.toIntExact(count * 4)).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer out = buf.asFloatBuffer();
    SplittableRandom random = new SplittableRandom(seed ^ (key.hashCode() * 0x9E3779B97F4A7C15L));
    boolean isScale = shape.length == 1 && key.endsWith("weight");
    boolean isBias = shape.length == 1 && !isScale;
    double fanIn = 1;
    for (int i = 1; i < shape.length; i++) {
      fanIn *= shape[i];
    }
    double std = shape.length >= 2 ? 1 / Math.sqrt(fanIn) : 0.02;
    for (int i = 0; i < count; i++) {
      double g = gaussian(random);
      out.put(i, (float) (isScale ? 1 + 0.1 * g : isBias ? 0.02 * g : std * g));
    }
    shapes.put(key, shape.clone());
    data.put(key, buf);
    return buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = 1 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  @Override
  public boolean contains(String key) {
    return data.containsKey(key);
  }

  @Override
  public String source() {
    return "random weights (seed " + seed + ")";
  }

  /** Writes every tensor asked for so far, in float32 or float16. */
  public void save(Path file, DType dtype) throws IOException {
    Map<String, SafeTensorsWriter.Tensor> out = new LinkedHashMap<>();
    data.forEach(
        (k, v) ->
            out.put(
                k,
                new SafeTensorsWriter.Tensor(
                    dtype,
                    shapes.get(k),
                    dtype == DType.F16 ? Float16.toFloat16(v) : v.duplicate())));
    SafeTensorsWriter.write(file, out, Map.of("format", "pt"));
  }
}
