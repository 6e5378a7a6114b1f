package dev.easel.api;

import dev.easel.engine.GeneratedImage;
import dev.easel.engine.GenerationRequest;
import dev.easel.image.GenerationParameters;
import dev.easel.image.ImageEncoder;
import dev.easel.image.OutputFormat;
import dev.easel.image.RgbaImage;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Encodes response images in the requested format and compression. PNG results carry the settings
 * that made them in a {@code parameters} text chunk (the infotext image browsers and web UIs read),
 * so a result can be reproduced from the file alone.
 */
final class ImageOutput {
  private ImageOutput() {}

  static byte[] encode(
      GeneratedImage image, GenerationPlan plan, String modelName, String sampler) {
    ImageJob job = plan.job();
    Map<String, String> text =
        job.outputFormat() == OutputFormat.PNG
            ? Map.of(
                GenerationParameters.PNG_KEYWORD,
                parameters(image, plan, modelName, sampler).format())
            : Map.of();
    return ImageEncoder.encode(image.image(), job.outputFormat(), job.compression(), text);
  }

  /** A partial image while streaming: same format, no text chunks. */
  static byte[] encodePreview(RgbaImage preview, ImageJob job) {
    return ImageEncoder.encode(preview, job.outputFormat(), job.compression(), Map.of());
  }

  /** The file extension in stored URLs. */
  static String extension(OutputFormat format) {
    return format == OutputFormat.JPEG ? "jpg" : format.apiName();
  }

  static GenerationParameters parameters(
      GeneratedImage image, GenerationPlan plan, String model, String sampler) {
    GenerationRequest r = plan.request();
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("Mode", r.mode().name().toLowerCase(Locale.ROOT));
    if (r.strength() != null) {
      extra.put("Denoising strength", Double.toString(r.strength()));
    }
    if (plan.upscales()) {
      extra.put("Generated size", r.width() + "x" + r.height());
    }
    return new GenerationParameters(
        r.prompt(),
        r.negativePrompt(),
        r.steps(),
        sampler,
        r.guidanceScale(),
        image.seed(),
        plan.width(),
        plan.height(),
        model,
        extra);
  }
}
