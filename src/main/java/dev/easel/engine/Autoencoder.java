package dev.easel.engine;

import dev.easel.engine.noise.NoiseSource;
import dev.easel.model.vae.AutoencoderKL;
import dev.easel.model.vae.DiagonalGaussian;
import dev.easel.model.vae.LatentScaling;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxSession;
import java.util.Map;

/**
 * The VAE as the pipeline sees it: images in [-1, 1] to denoiser-space latents and back, in
 * sub-batches of at most {@code maxBatch} images. When the encoder yields the latent distribution
 * (AutoencoderKL's mean and log-variance), a sample is drawn with each image's own generator, as
 * img2img in diffusers does.
 *
 * @param encoder encoder session, or null when the model has none (text to image only)
 * @param downscale pixels per latent along each side (diffusers' {@code vae_scale_factor})
 * @param downscale pixels per latent along each side (diffusers' {@code vae_scale_factor})
 */
record Autoencoder(
    OnnxSession encoder, OnnxSession decoder, LatentScaling scaling, int downscale, int maxBatch) {

  FloatTensor decode(FloatTensor latents) {
    return inBatches(decoder, scaling.fromLatentSpace(latents));
  }

  FloatTensor encode(FloatTensor images, NoiseSource noise) {
    if (encoder == null) {
      throw new IllegalArgumentException("this model has no VAE encoder, so it cannot edit images");
    }
    FloatTensor out = inBatches(encoder, images);
    if (encoder.outputNames().contains(AutoencoderKL.LATENT_PARAMETERS)) {
      DiagonalGaussian dist = DiagonalGaussian.of(out);
      float[] eps = new float[dist.mean().data().length];
      noise.fill(eps);
      out = dist.sample(new FloatTensor(dist.mean().shape(), eps));
    }
    return scaling.toLatentSpace(out);
  }

  private FloatTensor inBatches(OnnxSession session, FloatTensor input) {
    String name = session.inputNames().iterator().next();
    int n = (int) input.dim(0);
    FloatTensor[] parts = new FloatTensor[(n + maxBatch - 1) / maxBatch];
    for (int p = 0; p < parts.length; p++) {
      int from = p * maxBatch;
      parts[p] = session.runSingle(Map.of(name, input.slice(from, Math.min(n, from + maxBatch))));
    }
    return FloatTensor.concat(parts);
  }
}
