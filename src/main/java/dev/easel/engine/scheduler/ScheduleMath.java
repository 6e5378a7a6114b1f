package dev.easel.engine.scheduler;

/**
 * The torch and numpy operations that diffusers builds its schedule tables with, reproduced with
 * the same precision and evaluation order so that the tables match to the bit.
 */
final class ScheduleMath {
  /** Lanes of torch's {@code Vectorized<float>} on AVX2, NEON and the default CPU build. */
  private static final int TORCH_FLOAT_LANES = 8;

  private ScheduleMath() {}

  /**
   * {@code torch.linspace(start, end, steps, dtype=torch.float32)} on the CPU: the first half
   * counts up from {@code start}, the second half down from {@code end}, and vectorised chunks add
   * {@code i * step} to a per-chunk base.
   */
  static float[] torchLinspace(float start, float end, int steps) {
    float[] out = new float[steps];
    if (steps == 1) {
      out[0] = start;
      return out;
    }
    float step = (end - start) / (steps - 1);
    int halfway = steps / 2;
    int vectorized = steps / (2 * TORCH_FLOAT_LANES) * (2 * TORCH_FLOAT_LANES);
    for (int base = 0; base < vectorized; base += TORCH_FLOAT_LANES) {
      float first = base < halfway ? start + step * base : end - step * (steps - base - 1);
      for (int lane = 0; lane < TORCH_FLOAT_LANES; lane++) {
        out[base + lane] = lane == 0 ? first : first + lane * step;
      }
    }
    for (int i = vectorized; i < steps; i++) {
      out[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
    }
    return out;
  }

  /** {@code torch.cumprod} of a float32 tensor on the CPU, which accumulates in double. */
  static float[] cumprod(float[] x) {
    float[] out = new float[x.length];
    double product = 1;
    for (int i = 0; i < x.length; i++) {
      product *= x[i];
      out[i] = (float) product;
    }
    return out;
  }

  /** {@code np.linspace(start, stop, num, endpoint)} in float64. */
  static double[] linspace(double start, double stop, int num, boolean endpoint) {
    double[] y = new double[num];
    int div = endpoint ? num - 1 : num;
    double step = (stop - start) / div;
    for (int i = 0; i < num; i++) {
      y[i] = div > 0 ? i * step + start : start;
    }
    if (endpoint && num > 1) {
      y[num - 1] = stop;
    }
    return y;
  }

  /** {@code np.arange(start, stop, step)} for float64 arguments, filled as numpy fills it. */
  static double[] arange(double start, double stop, double step) {
    int length = (int) Math.max(0, Math.ceil((stop - start) / step));
    double[] y = new double[length];
    if (length > 0) {
      y[0] = start;
    }
    if (length > 1) {
      double delta = (start + step) - start;
      for (int i = 1; i < length; i++) {
        y[i] = start + i * delta;
      }
    }
    return y;
  }

  /** {@code np.interp(x, np.arange(len(fp)), fp)}. */
  static double interp(double x, float[] fp) {
    int last = fp.length - 1;
    if (x <= 0) {
      return fp[0];
    }
    if (x >= last) {
      return fp[last];
    }
    int j = (int) Math.floor(x);
    if (x == j) {
      return fp[j];
    }
    double slope = ((double) fp[j + 1] - fp[j]) / 1.0;
    return slope * (x - j) + fp[j];
  }

  /** {@code np.log} of a float32 array, element by element, in float32. */
  static float[] log(float[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) Math.log(x[i]);
    }
    return out;
  }

  /** {@code sqrt((1 - alphas_cumprod) / alphas_cumprod)} in float32: sigmas by training step. */
  static float[] trainingSigmas(float[] alphasCumprod) {
    float[] out = new float[alphasCumprod.length];
    for (int i = 0; i < out.length; i++) {
      float a = alphasCumprod[i];
      out[i] = (float) Math.sqrt((1 - a) / a);
    }
    return out;
  }

  /** Karras et al. (2022) noise levels, rho = 7, computed in float64 as diffusers does. */
  static double[] karras(double sigmaMin, double sigmaMax, int steps) {
    double rho = 7.0;
    double[] ramp = linspace(0, 1, steps, true);
    double minInvRho = Math.pow(sigmaMin, 1 / rho);
    double maxInvRho = Math.pow(sigmaMax, 1 / rho);
    double[] sigmas = new double[steps];
    for (int i = 0; i < steps; i++) {
      sigmas[i] = Math.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
    }
    return sigmas;
  }

  /**
   * diffusers' {@code _sigma_to_t}: the fractional training step whose log-sigma, interpolated in
   * {@code logSigmas} (ascending), equals log(sigma).
   */
  static double sigmaToT(double sigma, float[] logSigmas) {
    double logSigma = Math.log(Math.max(sigma, 1e-10));
    int low = 0;
    for (int i = 0; i < logSigmas.length; i++) {
      if (logSigma - logSigmas[i] >= 0) {
        low = i;
      }
    }
    low = Math.min(low, logSigmas.length - 2);
    double lowValue = logSigmas[low];
    double highValue = logSigmas[low + 1];
    double w = (lowValue - logSigma) / (lowValue - highValue);
    w = Math.min(Math.max(w, 0), 1);
    return (1 - w) * low + w * (low + 1);
  }
}
