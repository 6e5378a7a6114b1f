package dev.easel.engine;

import dev.easel.model.unet.UNet2DConditionModel;

/**
 * How a model is run.
 *
 * @param maxBatch most images denoised together (the UNet sees twice as many rows with guidance)
 * @param taesdDecode decode final images with the model's {@code taesd/} autoencoder (much faster,
 *     slightly softer) instead of the full VAE, when the model has one
 * @param attentionBytes memory one UNet call's attention may use (see {@link AttentionBudget})
 * @param winogradLevels UNet resolution levels whose 3×3 convolutions use Winograd (faster, more
 *     filter memory; 0 computes every convolution directly)
 * @param vaeWinograd whether the VAE's 3×3 convolutions use Winograd (faster, more memory at large
 *     sizes)
 */
public record EngineOptions(
    int maxBatch,
    boolean taesdDecode,
    long attentionBytes,
    int winogradLevels,
    boolean vaeWinograd) {
  public static final long DEFAULT_ATTENTION_BYTES = 6L << 30;

  public static EngineOptions batch(int maxBatch) {
    return new EngineOptions(
        maxBatch,
        false,
        DEFAULT_ATTENTION_BYTES,
        UNet2DConditionModel.DEFAULT_WINOGRAD_LEVELS,
        true);
  }
}
