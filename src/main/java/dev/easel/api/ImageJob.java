package dev.easel.api;

import dev.easel.engine.GenerationRequest;
import dev.easel.image.InpaintMask;
import dev.easel.image.OutputFormat;
import dev.easel.image.RgbaImage;
import java.util.List;

/**
 * A request that passed every check of its model's rules, before a local model is chosen.
 *
 * @param endpoint which operation
 * @param rules the rules of the requested model name
 * @param model the model name as requested (or the default)
 * @param localModel the local model named directly, or null when an alias was asked for
 * @param prompt the prompt (empty for variations)
 * @param n number of images
 * @param width requested width, or 0 for {@code auto}
 * @param height requested height, or 0 for {@code auto}
 * @param quality requested quality ({@code auto} when absent)
 * @param style dall-e-3 style ({@code vivid} by default), or null for other models
 * @param responseFormat {@code url} or {@code b64_json}
 * @param outputFormat png, jpeg or webp
 * @param compression 0–100
 * @param transparent {@code background: transparent}: the results' backgrounds are removed
 * @param stream whether to answer with server-sent events
 * @param partialImages 0–3 partial images while streaming
 * @param extras Easel's extra parameters
 * @param images decoded input images (edits, variations); the model edits the first, the others are
 *     validated but unused
 * @param mask decoded mask (same size as the first image, with alpha), or null
 */
record ImageJob(
    Endpoint endpoint,
    ModelRules rules,
    String model,
    String localModel,
    String prompt,
    int n,
    int width,
    int height,
    String quality,
    String style,
    String responseFormat,
    OutputFormat outputFormat,
    int compression,
    boolean transparent,
    boolean stream,
    int partialImages,
    Extras extras,
    List<RgbaImage> images,
    RgbaImage mask) {

  /** Easel's parameters beyond OpenAI's, each null when absent. */
  record Extras(
      Long seed,
      Integer steps,
      Double guidanceScale,
      String negativePrompt,
      String scheduler,
      Double strength) {}

  ImageJob {
    images = List.copyOf(images);
  }

  /**
   * Edits regenerate where the mask (or, without one, the first image's own alpha) is transparent;
   * an edit of an opaque image without a mask reworks the whole image (image to image).
   */
  GenerationRequest.Mode mode() {
    if (endpoint != Endpoint.EDITS) {
      return endpoint.mode;
    }
    return mask != null || InpaintMask.fromAlpha(images.get(0)).regeneratesAnything()
        ? GenerationRequest.Mode.INPAINT
        : GenerationRequest.Mode.IMAGE_TO_IMAGE;
  }
}
