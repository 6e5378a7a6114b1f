package dev.easel.model.vae;

import dev.easel.runtime.FloatTensor;
import java.util.Arrays;

/**
 * diffusers' {@code DiagonalGaussianDistribution}: the latent distribution an {@code AutoencoderKL}
 * encoder describes, from its {@code latent_parameters} output [N, 2·C, h, w] (mean, then log
 * variance, along the channel axis; the log variance clamped to [-30, 20]).
 */
public record DiagonalGaussian(FloatTensor mean, FloatTensor logvar) {
  public DiagonalGaussian {
    if (!Arrays.equals(mean.shape(), logvar.shape())) {
      throw new IllegalArgumentException(
          "mean "
              + Arrays.toString(mean.shape())
              + " and logvar "
              + Arrays.toString(logvar.shape())
              + " differ in shape");
    }
  }

  /** Splits the encoder's parameters into mean and (clamped) log variance. */
  public static DiagonalGaussian of(FloatTensor parameters) {
    long[] shape = parameters.shape();
    if (shape.length != 4 || shape[1] % 2 != 0) {
      throw new IllegalArgumentException(
          "latent parameters must be [N, 2·C, h, w], got " + Arrays.toString(shape));
    }
    int n = (int) shape[0];
    int half = parameters.itemSize() / 2;
    float[] mean = new float[n * half];
    float[] logvar = new float[n * half];
    float[] data = parameters.data();
    for (int b = 0; b < n; b++) {
      System.arraycopy(data, 2 * b * half, mean, b * half, half);
      for (int i = 0; i < half; i++) {
        logvar[b * half + i] = Math.min(20f, Math.max(-30f, data[(2 * b + 1) * half + i]));
      }
    }
    long[] out = {shape[0], shape[1] / 2, shape[2], shape[3]};
    return new DiagonalGaussian(new FloatTensor(out, mean), new FloatTensor(out, logvar));
  }

  /** The most likely latent (diffusers' {@code mode()}). */
  public FloatTensor mode() {
    return mean;
  }

  /** {@code mean + std · noise}, the noise given by the caller (same shape as the mean). */
  public FloatTensor sample(FloatTensor noise) {
    if (!Arrays.equals(noise.shape(), mean.shape())) {
      throw new IllegalArgumentException(
          "noise shape "
              + Arrays.toString(noise.shape())
              + " differs from the latent shape "
              + Arrays.toString(mean.shape()));
    }
    float[] m = mean.data();
    float[] lv = logvar.data();
    float[] z = noise.data();
    float[] out = new float[m.length];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i] + (float) Math.exp(0.5 * lv[i]) * z[i];
    }
    return new FloatTensor(mean.shape(), out);
  }
}
