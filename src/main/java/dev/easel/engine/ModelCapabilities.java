package dev.easel.engine;

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
    long maxPixels) {}
