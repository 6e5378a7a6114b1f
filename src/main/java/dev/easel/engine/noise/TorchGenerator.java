package dev.easel.engine.noise;

/**
 * PyTorch's CPU random generator ({@code torch.Generator("cpu").manual_seed(seed)}): a 32-bit
 * Mersenne Twister (MT19937) with PyTorch's uniform and normal transformations, so that {@link
 * #randn(int)} reproduces {@code torch.randn(n, generator=g)} for float32 tensors.
 *
 * <p>Tensors of 16 or more elements take torch's vectorisable path: uniform floats from 24-bit
 * mantissas, then Box–Muller over blocks of 16 (the last block recomputed when the size is not a
 * multiple of 16). Smaller tensors take torch's scalar double-precision path, which caches the
 * second value of each Box–Muller pair in the generator. PyTorch builds with AVX2 compute the
 * vectorised transcendental functions with their own approximations, so the last bit of a value may
 * differ; the values agree to about 1e-6.
 */
public final class TorchGenerator {
  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final int[] state = new int[N];
  private int left;
  private int next;
  private double cachedNormal;
  private boolean hasCachedNormal;

  /** Seeded like {@code torch.manual_seed(seed)}: only the low 32 bits of the seed matter. */
  public TorchGenerator(long seed) {
    state[0] = (int) seed;
    for (int j = 1; j < N; j++) {
      state[j] = 1812433253 * (state[j - 1] ^ (state[j - 1] >>> 30)) + j;
    }
    left = 1;
    next = 0;
  }

  /** The next raw 32-bit output, as an unsigned value. */
  public long nextUint32() {
    if (--left == 0) {
      nextState();
    }
    int y = state[next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y & 0xffffffffL;
  }

  private void nextState() {
    left = N;
    next = 0;
    for (int i = 0; i < N; i++) {
      int y = (state[i] & UPPER_MASK) | (state[(i + 1) % N] & LOWER_MASK);
      state[i] = state[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
    }
  }

  private long nextUint64() {
    long hi = nextUint32();
    long lo = nextUint32();
    return (hi << 32) | lo;
  }

  private float uniformFloat() {
    return (nextUint32() & 0xffffff) * 0x1p-24f;
  }

  private double uniformDouble() {
    return (nextUint64() & ((1L << 53) - 1)) * 0x1p-53;
  }

  private double scalarNormal() {
    if (hasCachedNormal) {
      hasCachedNormal = false;
      return cachedNormal;
    }
    double u1 = uniformDouble();
    double u2 = uniformDouble();
    double r = Math.sqrt(-2.0 * Math.log1p(-u2));
    double theta = 2.0 * Math.PI * u1;
    cachedNormal = r * Math.sin(theta);
    hasCachedNormal = true;
    return r * Math.cos(theta);
  }

  /** {@code torch.randn(n, generator=this)} as float32 values. */
  public float[] randn(int n) {
    float[] out = new float[n];
    fillRandn(out, 0, n);
    return out;
  }

  /** Writes {@code torch.randn(length)} into {@code out[offset, offset + length)}. */
  public void fillRandn(float[] out, int offset, int length) {
    if (length < 16) {
      for (int i = 0; i < length; i++) {
        out[offset + i] = (float) scalarNormal();
      }
      return;
    }
    for (int i = 0; i < length; i++) {
      out[offset + i] = uniformFloat();
    }
    for (int i = 0; i + 16 <= length; i += 16) {
      boxMuller16(out, offset + i);
    }
    if (length % 16 != 0) {
      int last = offset + length - 16;
      for (int i = 0; i < 16; i++) {
        out[last + i] = uniformFloat();
      }
      boxMuller16(out, last);
    }
  }

  private static void boxMuller16(float[] data, int at) {
    for (int j = 0; j < 8; j++) {
      float u1 = 1 - data[at + j];
      float u2 = data[at + j + 8];
      float radius = (float) Math.sqrt(-2 * (float) Math.log(u1));
      float theta = (float) (2.0f * Math.PI * u2);
      data[at + j] = radius * (float) Math.cos(theta);
      data[at + j + 8] = radius * (float) Math.sin(theta);
    }
  }
}
