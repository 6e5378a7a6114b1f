package dev.easel.api;

import dev.easel.engine.GenerationRequest;
import dev.easel.engine.ModelCapabilities;
import java.util.List;

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
 * </ul>
 *
 * Explicit {@code steps} and {@code guidance_scale} override both. Size {@code auto} is the model's
 * native square size.
 */
record GenerationPlan(GenerationRequest request, String quality, String size) {
  private static final List<String> RESPONSE_SIZES = List.of("1024x1024", "1024x1536", "1536x1024");

  static GenerationPlan of(ImageJob job, ModelCapabilities caps) {
    int width = job.width() == 0 ? caps.nativeSize() : job.width();
    int height = job.height() == 0 ? caps.nativeSize() : job.height();
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
    double guidance = caps.defaultGuidance();
    if ("vivid".equals(job.style()) && guidance > 1) {
      guidance *= 1.25;
    }
    if (job.extras().guidanceScale() != null) {
      guidance = job.extras().guidanceScale();
    }
    GenerationRequest request =
        new GenerationRequest(
            job.endpoint().mode,
            job.prompt(),
            job.extras().negativePrompt(),
            width,
            height,
            job.n(),
            job.extras().seed(),
            steps,
            guidance,
            job.extras().strength(),
            job.extras().scheduler(),
            job.images(),
            job.mask(),
            job.stream() ? job.partialImages() : 0);
    return new GenerationPlan(request, quality, width + "x" + height);
  }

  /** The size for {@code ImagesResponse.size}, or null when its enum cannot express it. */
  String responseSize() {
    return RESPONSE_SIZES.contains(size) ? size : null;
  }

  /** The size for streaming events, whose enum also allows {@code auto}. */
  String eventSize() {
    return RESPONSE_SIZES.contains(size) ? size : "auto";
  }
}
