package dev.easel.runtime;

import java.util.Arrays;

/** A dense float32 tensor in row-major order, the engine's currency for latents and embeddings. */
public record FloatTensor(long[] shape, float[] data) {
  public FloatTensor {
    shape = shape.clone();
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
    }
  }

  public static FloatTensor zeros(long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return new FloatTensor(shape, new float[Math.toIntExact(n)]);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public long dim(int i) {
    return shape[i < 0 ? shape.length + i : i];
  }

  /** Elements per item of the leading (batch) axis. */
  public int itemSize() {
    return data.length / (int) shape[0];
  }

  /** Items [from, to) of the leading axis, copied. */
  public FloatTensor slice(int from, int to) {
    long[] s = shape.clone();
    s[0] = to - from;
    return new FloatTensor(s, Arrays.copyOfRange(data, from * itemSize(), to * itemSize()));
  }

  /** Concatenates tensors along the leading axis. */
  public static FloatTensor concat(FloatTensor... parts) {
    long[] s = parts[0].shape();
    s[0] = 0;
    int total = 0;
    for (FloatTensor p : parts) {
      s[0] += p.shape[0];
      total += p.data.length;
    }
    float[] out = new float[total];
    int pos = 0;
    for (FloatTensor p : parts) {
      System.arraycopy(p.data, 0, out, pos, p.data.length);
      pos += p.data.length;
    }
    return new FloatTensor(s, out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
