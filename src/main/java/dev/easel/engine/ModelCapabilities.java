package dev.easel.engine;

import dev.easel.engine.scheduler.Schedulers;

/**
 * What a loaded model offers.
 *
 * @param architecture {@code sd15}, {@code sd21}, {@code sd-turbo}, {@code sdxl}, {@code
 *     sdxl-turbo} or {@code tiny}
 * @param nativeSize the square side the model was trained at (512, 768, 1024)
 * @param sizeMultiple widths and heights must be multiples of this
 * @param defaultSteps steps used when the request names none
 * @param defaultGuidance guidance scale used when the request names none (≤ 1 turns guidance off)
 * @param inpaintingUnet true when the UNet takes the 9-channel inpainting input
 * @param maxPixels the largest width × height this model generates at within the engine's attention
 *     memory budget; callers upscale beyond it
 */
public record ModelCapabilities(
    String architecture,
    int nativeSize,
    int sizeMultiple,
    int defaultSteps,
    double defaultGuidance,
    boolean inpaintingUnet,
    long maxPixels) {

  /** Widths and heights are at most this: 4 × the native size. */
  public int maxSide() {
    return 4 * nativeSize;
  }

  /**
   * The checks {@link ImageGenerator#generate} makes before it computes anything, from what is
   * known without loading the model.
   *
   * @throws IllegalArgumentException naming what the model cannot do
   */
  public void check(GenerationRequest request) {
    Plan.check(request, this);
    if (request.scheduler() != null) {
      Schedulers.requireKnown(request.scheduler());
    }
  }
}
