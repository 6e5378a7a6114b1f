package dev.easel.api;

import dev.easel.engine.GenerationRequest;
import dev.easel.engine.ModelCapabilities;
import dev.easel.image.InpaintMask;
import dev.easel.image.Resize;
import dev.easel.image.RgbaImage;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.LongStream;

/**
 * How a validated request runs on a particular model, and the values its response reports.
 *
 * <p>OpenAI's {@code quality} and {@code style} become sampler settings relative to the model's own
 * defaults ({@code S} = default steps, {@code G} = default guidance scale):
 *
 * <ul>
 *   <li>quality {@code low}: {@code max(1, round(S × 0.5))} steps
 *   <li>quality {@code medium}, {@code standard} and {@code auto}: {@code S} steps
 *   <li>quality {@code high} and {@code hd}: {@code round(S × 1.5)} steps
 *   <li>style {@code vivid} (dall-e-3's default): guidance {@code G × 1.25}, which gives stronger
 *       colour and contrast; {@code natural}: {@code G}. Models without guidance ({@code G ≤ 1},
 *       e.g. turbo models) keep {@code G}.
 *   <li>variations run without guidance (1), as they have no prompt to follow.
 * </ul>
 *
 * Explicit {@code steps} and {@code guidance_scale} override both.
 *
 * <p>Sizes: the response has the requested size. Size {@code auto} is the model's native square
 * size for generations and the first image's size (rounded down to the model's size multiple) for
 * edits. The model generates at the requested size when its area is within the server's generation
 * limit and its sides within the model's {@link ModelCapabilities#maxSide()} (above 1.5 × native
 * size the engine runs its two-pass high-res path); a larger size is generated at the largest size
 * of the same aspect ratio within both and upscaled with Lanczos, and for inpainting the kept
 * pixels are then put back exactly.
 *
 * @param job the validated request
 * @param request what the engine runs, at {@link #generationWidth()} × {@link #generationHeight()}
 * @param quality the quality reported back ({@code low}, {@code medium}, {@code high})
 * @param width the size the response has
 * @param height the size the response has
 * @param seeds the seed of each image
 */
record GenerationPlan(
    ImageJob job, GenerationRequest request, String quality, int width, int height, long[] seeds) {
  private static final List<String> RESPONSE_SIZES = List.of("1024x1024", "1024x1536", "1536x1024");
  private static final SecureRandom SEEDS = new SecureRandom();

  /**
   * @param maxGenerationPixels largest width × height the model generates at; 0 for 4 × its native
   *     area
   */
  static GenerationPlan of(ImageJob job, ModelCapabilities caps, long maxGenerationPixels) {
    int multiple = caps.sizeMultiple();
    int width = job.width();
    int height = job.height();
    if (width == 0 && job.endpoint() == Endpoint.GENERATIONS) {
      width = caps.nativeSize();
      height = caps.nativeSize();
    } else if (width == 0) {
      RgbaImage first = job.images().get(0);
      width = Math.max(multiple, first.width() / multiple * multiple);
      height = Math.max(multiple, first.height() / multiple * multiple);
    }
    long limit =
        Math.min(
            caps.maxPixels(),
            maxGenerationPixels > 0
                ? maxGenerationPixels
                : 4L * caps.nativeSize() * caps.nativeSize());
    int genWidth = width;
    int genHeight = height;
    double scale =
        Math.min(
            Math.sqrt(limit / ((double) width * height)),
            caps.maxSide() / (double) Math.max(width, height));
    if (scale < 1) {
      genWidth = Math.max(multiple, (int) (width * scale) / multiple * multiple);
      genHeight = Math.max(multiple, (int) (height * scale) / multiple * multiple);
    }
    String quality =
        switch (job.quality()) {
          case "low" -> "low";
          case "high", "hd" -> "high";
          default -> "medium";
        };
    double stepFactor =
        switch (quality) {
          case "low" -> 0.5;
          case "high" -> 1.5;
          default -> 1.0;
        };
    int steps =
        job.extras().steps() != null
            ? job.extras().steps()
            : Math.min(
                ImageRequestReader.MAX_STEPS,
                Math.max(1, (int) Math.round(caps.defaultSteps() * stepFactor)));
    double guidance = job.endpoint() == Endpoint.VARIATIONS ? 1 : caps.defaultGuidance();
    if ("vivid".equals(job.style()) && guidance > 1) {
      guidance *= 1.25;
    }
    if (job.extras().guidanceScale() != null) {
      guidance = job.extras().guidanceScale();
    }
    long seed = job.extras().seed() != null ? job.extras().seed() : SEEDS.nextLong(1L << 32);
    GenerationRequest request =
        new GenerationRequest(
            job.mode(),
            job.prompt(),
            job.extras().negativePrompt(),
            genWidth,
            genHeight,
            job.n(),
            seed,
            steps,
            guidance,
            job.extras().strength(),
            job.extras().scheduler(),
            job.images().isEmpty() ? List.of() : List.of(job.images().get(0)),
            job.mask(),
            job.stream() ? job.partialImages() : 0);
    long[] seeds = LongStream.range(seed, seed + job.n()).toArray();
    return new GenerationPlan(job, request, quality, width, height, seeds);
  }

  int generationWidth() {
    return request.width();
  }

  int generationHeight() {
    return request.height();
  }

  boolean upscales() {
    return generationWidth() != width || generationHeight() != height;
  }

  /** The size as {@code WxH}. */
  String size() {
    return width + "x" + height;
  }

  /** The size for {@code ImagesResponse.size}, or null when its enum cannot express it. */
  String responseSize() {
    return RESPONSE_SIZES.contains(size()) ? size() : null;
  }

  /** The size for streaming events, whose enum also allows {@code auto}. */
  String eventSize() {
    return RESPONSE_SIZES.contains(size()) ? size() : "auto";
  }

  /**
   * A generated image brought to the response size: unchanged when generated at that size, else
   * upscaled, and for inpainting composited over the input so that kept pixels stay exact.
   */
  RgbaImage toResponseSize(RgbaImage generated) {
    if (!upscales()) {
      return generated;
    }
    RgbaImage upscaled = Resize.resize(generated, width, height, Resize.Filter.LANCZOS);
    if (request.mode() != GenerationRequest.Mode.INPAINT) {
      return upscaled;
    }
    RgbaImage source = request.images().get(0);
    RgbaImage original = fit(source, Resize.Filter.LANCZOS);
    RgbaImage mask = fit(request.mask() != null ? request.mask() : source, Resize.Filter.AREA);
    return InpaintMask.composite(original, upscaled, InpaintMask.of(original, mask));
  }

  /** A partial image at the response size, as the event's {@code size} says (bicubic: cheaper). */
  RgbaImage previewAtResponseSize(RgbaImage preview) {
    return preview.width() == width && preview.height() == height
        ? preview
        : Resize.resize(preview, width, height, Resize.Filter.BICUBIC);
  }

  private RgbaImage fit(RgbaImage image, Resize.Filter filter) {
    return image.width() == width && image.height() == height
        ? image
        : Resize.cover(image, width, height, filter);
  }
}
