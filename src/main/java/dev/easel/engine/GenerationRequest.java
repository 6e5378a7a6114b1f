package dev.easel.engine;

import dev.easel.image.RgbaImage;
import java.util.List;

/**
 * What to generate, independent of HTTP and of the model's architecture. Optional numbers are null
 * when the caller left them to the model's defaults.
 *
 * @param mode which pipeline runs
 * @param prompt the text to follow (empty for variations)
 * @param negativePrompt text to steer away from, or null
 * @param width output width in pixels
 * @param height output height in pixels
 * @param n how many images
 * @param seed seed of the first image (image k uses seed + k), or null for a random one
 * @param steps denoising steps, or null for the model's default
 * @param guidanceScale classifier-free guidance scale, or null for the model's default
 * @param strength image-to-image strength in [0, 1], or null for the pipeline's default
 * @param scheduler scheduler name ({@code euler_a}, {@code dpmpp_2m}, … or a diffusers class name),
 *     or null for the model's own
 * @param images input images (edits, variations, image to image); empty for text to image
 * @param mask mask whose transparent pixels (alpha 0) mark the region to regenerate, or null
 * @param previews how many preview images to deliver through the progress listener (0–3)
 */
public record GenerationRequest(
    Mode mode,
    String prompt,
    String negativePrompt,
    int width,
    int height,
    int n,
    Long seed,
    Integer steps,
    Double guidanceScale,
    Double strength,
    String scheduler,
    List<RgbaImage> images,
    RgbaImage mask,
    int previews) {

  /** The pipelines Easel runs. */
  public enum Mode {
    TEXT_TO_IMAGE,
    IMAGE_TO_IMAGE,
    /**
     * Regenerate the masked (or transparent) region; also covers outpainting on a larger canvas.
     */
    INPAINT,
    VARIATION
  }

  public GenerationRequest {
    images = List.copyOf(images);
  }
}
