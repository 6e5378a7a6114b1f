package dev.easel.engine;

import dev.easel.image.Resize;
import dev.easel.image.RgbaImage;

/**
 * A request resolved against a model: defaults filled in, values checked, input images brought to
 * the output size.
 *
 * @param image the input image at the output size, or null for text to image
 * @param mask what to keep (alpha 255) and regenerate (alpha 0) at the output size, or null
 * @param strength how far to noise the input image, 0..1 (1 for text to image)
 * @param baseWidth width of the first pass when the output is far above the model's native size
 *     (then upscaled and refined), else the output width
 */
record Plan(
    GenerationRequest.Mode mode,
    String prompt,
    int width,
    int height,
    int steps,
    double guidance,
    double strength,
    RgbaImage image,
    RgbaImage mask,
    int baseWidth,
    int baseHeight) {

  static final int MAX_STEPS = 500;

  static final double VARIATION_STRENGTH = 0.65;
  static final double IMAGE_TO_IMAGE_STRENGTH = 0.75;
  static final double REFINE_STRENGTH = 0.35;

  boolean highres() {
    return baseWidth != width || baseHeight != height;
  }

  /** Every refusal of {@link #of}, made without fitting the input images. */
  static void check(GenerationRequest r, ModelCapabilities caps) {
    int m = caps.sizeMultiple();
    if (r.width() <= 0 || r.height() <= 0 || r.width() % m != 0 || r.height() % m != 0) {
      throw new IllegalArgumentException(
          "size "
              + r.width()
              + "x"
              + r.height()
              + " is not supported by this model: width and height must be positive multiples of "
              + m);
    }
    int maxSide = caps.maxSide();
    if (r.width() > maxSide || r.height() > maxSide) {
      throw new IllegalArgumentException(
          "size "
              + r.width()
              + "x"
              + r.height()
              + " is too large for this model: width and height must be at most "
              + maxSide);
    }
    if ((long) r.width() * r.height() > caps.maxPixels()) {
      throw new IllegalArgumentException(
          "size "
              + r.width()
              + "x"
              + r.height()
              + " needs more attention memory than this model may use (engine.attention-memory-mb);"
              + " the largest is about "
              + caps.maxPixels()
              + " pixels ("
              + (int) Math.sqrt(caps.maxPixels())
              + "x"
              + (int) Math.sqrt(caps.maxPixels())
              + ")");
    }
    if (r.n() < 1) {
      throw new IllegalArgumentException("n must be at least 1");
    }
    int steps = r.steps() != null ? r.steps() : caps.defaultSteps();
    if (steps < 1 || steps > MAX_STEPS) {
      throw new IllegalArgumentException(
          "steps must be between 1 and " + MAX_STEPS + ", got " + steps);
    }
    if (r.strength() != null && !(r.strength() >= 0 && r.strength() <= 1)) {
      throw new IllegalArgumentException("strength must be between 0 and 1, got " + r.strength());
    }
    if (r.guidanceScale() != null && !(r.guidanceScale() >= 0 && r.guidanceScale() <= 50)) {
      throw new IllegalArgumentException(
          "guidance_scale must be between 0 and 50, got " + r.guidanceScale());
    }
    if (r.mode() == GenerationRequest.Mode.TEXT_TO_IMAGE) {
      return;
    }
    RgbaImage source = requireImage(r);
    RgbaImage mask = r.mask();
    if (r.mode() == GenerationRequest.Mode.INPAINT
        && mask != null
        && (mask.width() != source.width() || mask.height() != source.height())) {
      throw new IllegalArgumentException(
          "the mask is "
              + mask.width()
              + "x"
              + mask.height()
              + " but the image is "
              + source.width()
              + "x"
              + source.height()
              + "; they must be the same size");
    }
    if (r.strength() != null && r.strength() == 0) {
      throw new IllegalArgumentException("strength 0 would return the input unchanged");
    }
    double strength = strength(r);
    if (strength < 1 && (int) (steps * strength) < 1) {
      // as the scheduler's beginIndex, said before anything runs
      throw new IllegalArgumentException(
          "strength " + strength + " with " + steps + " steps leaves no denoising step to run");
    }
  }

  /** The strength the request runs at: its own, else the mode's default. */
  private static double strength(GenerationRequest r) {
    double byDefault =
        switch (r.mode()) {
          case TEXT_TO_IMAGE, INPAINT -> 1;
          case IMAGE_TO_IMAGE -> IMAGE_TO_IMAGE_STRENGTH;
          case VARIATION -> VARIATION_STRENGTH;
        };
    return r.mode() == GenerationRequest.Mode.TEXT_TO_IMAGE || r.strength() == null
        ? byDefault
        : r.strength();
  }

  static Plan of(GenerationRequest r, ModelCapabilities caps) {
    check(r, caps);
    int m = caps.sizeMultiple();
    int steps = r.steps() != null ? r.steps() : caps.defaultSteps();
    double guidance = r.guidanceScale() != null ? r.guidanceScale() : caps.defaultGuidance();
    String prompt = r.prompt() == null ? "" : r.prompt();
    RgbaImage image = null;
    RgbaImage mask = null;
    double strength = strength(r);
    switch (r.mode()) {
      case TEXT_TO_IMAGE -> {}
      case IMAGE_TO_IMAGE ->
          image = fit(requireImage(r), r.width(), r.height(), Resize.Filter.LANCZOS);
      case INPAINT -> {
        RgbaImage source = requireImage(r);
        RgbaImage maskSource = r.mask() != null ? r.mask() : source;
        image = fit(source, r.width(), r.height(), Resize.Filter.LANCZOS);
        mask = fit(maskSource, r.width(), r.height(), Resize.Filter.AREA);
      }
      case VARIATION -> {
        image = fit(requireImage(r), r.width(), r.height(), Resize.Filter.LANCZOS);
        if (r.guidanceScale() == null) {
          guidance = 1;
        }
      }
    }
    int baseW = r.width();
    int baseH = r.height();
    int nativeSide = caps.nativeSize();
    if (r.mode() == GenerationRequest.Mode.TEXT_TO_IMAGE
        && Math.max(r.width(), r.height()) > nativeSide * 3 / 2) {
      double scale =
          Math.sqrt((double) nativeSide * nativeSide / ((double) r.width() * r.height()));
      baseW = Math.max(m, (int) Math.round(r.width() * scale / m) * m);
      baseH = Math.max(m, (int) Math.round(r.height() * scale / m) * m);
    }
    return new Plan(
        r.mode(),
        prompt,
        r.width(),
        r.height(),
        steps,
        guidance,
        strength,
        image,
        mask,
        baseW,
        baseH);
  }

  private static RgbaImage requireImage(GenerationRequest r) {
    if (r.images().isEmpty()) {
      throw new IllegalArgumentException(r.mode() + " needs an input image");
    }
    return r.images().get(0);
  }

  /**
   * The image scaled to cover {@code w × h} and centre-cropped (unchanged when it already fits).
   */
  static RgbaImage fit(RgbaImage img, int w, int h, Resize.Filter filter) {
    return img.width() == w && img.height() == h ? img : Resize.cover(img, w, h, filter);
  }
}
