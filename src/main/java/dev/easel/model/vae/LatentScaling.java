package dev.easel.model.vae;

import dev.easel.runtime.FloatTensor;

/**
 * Moves latents between an autoencoder's raw space (what its encoder produces and its decoder
 * takes) and the denoiser's latent space, as diffusers' pipelines do: {@code (z - shift) · scale}
 * on the way in, {@code x / scale + shift} on the way out.
 */
public record LatentScaling(double scalingFactor, double shiftFactor) {
  /** No change (TAESD latents are already in the denoiser's space). */
  public static final LatentScaling IDENTITY = new LatentScaling(1, 0);

  public LatentScaling {
    if (!(scalingFactor > 0) || !Double.isFinite(scalingFactor)) {
      throw new IllegalArgumentException("scaling factor must be positive, got " + scalingFactor);
    }
  }

  /** Raw autoencoder latents → denoiser space. */
  public FloatTensor toLatentSpace(FloatTensor raw) {
    float[] in = raw.data();
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = (float) ((in[i] - shiftFactor) * scalingFactor);
    }
    return new FloatTensor(raw.shape(), out);
  }

  /** Denoiser-space latents → raw autoencoder latents, ready for the decoder. */
  public FloatTensor fromLatentSpace(FloatTensor latents) {
    float[] in = latents.data();
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = (float) (in[i] / scalingFactor + shiftFactor);
    }
    return new FloatTensor(latents.shape(), out);
  }
}
