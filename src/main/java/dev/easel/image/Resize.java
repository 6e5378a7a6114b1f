package dev.easel.image;

/**
 * Resampling with Pillow's separable convolution (the filter widens by the scale factor when
 * shrinking, so downscaling is antialiased). RGBA is resampled premultiplied by alpha, as Pillow
 * does, so transparent pixels do not bleed their colour into their neighbours.
 */
public final class Resize {
  private Resize() {}

  /** Resampling filters. */
  public enum Filter {
    /** Lanczos, 3 lobes: photographs, up or down. */
    LANCZOS(3),
    /** Bicubic with a = −0.5 (Pillow's and Keys'). */
    BICUBIC(2),
    /** Box filter: each output pixel is the area average of the input it covers (for masks). */
    AREA(0.5);

    private final double support;

    Filter(double support) {
      this.support = support;
    }

    double weight(double x) {
      return switch (this) {
        case LANCZOS -> x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
        case BICUBIC -> cubic(Math.abs(x));
        case AREA -> x >= -0.5 && x < 0.5 ? 1 : 0;
      };
    }

    private static double sinc(double x) {
      if (x == 0) {
        return 1;
      }
      double px = Math.PI * x;
      return Math.sin(px) / px;
    }

    private static double cubic(double x) {
      double a = -0.5;
      if (x < 1) {
        return ((a + 2) * x - (a + 3)) * x * x + 1;
      }
      if (x < 2) {
        return (((x - 5) * x + 8) * x - 4) * a;
      }
      return 0;
    }
  }

  /** {@code image} resampled to {@code width × height} (aspect ratio not kept). */
  public static RgbaImage resize(RgbaImage image, int width, int height, Filter filter) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "target size must be positive, got " + width + "x" + height);
    }
    if (width == image.width() && height == image.height()) {
      return image;
    }
    int sw = image.width();
    int sh = image.height();
    float[] src = premultiplied(image.rgba());
    Kernel horizontal = Kernel.of(sw, width, filter);
    float[] rows = new float[width * sh * 4];
    for (int y = 0; y < sh; y++) {
      for (int x = 0; x < width; x++) {
        int start = horizontal.start[x];
        float[] w = horizontal.weights[x];
        float r = 0;
        float g = 0;
        float b = 0;
        float a = 0;
        for (int k = 0; k < w.length; k++) {
          int s = (y * sw + start + k) * 4;
          r += src[s] * w[k];
          g += src[s + 1] * w[k];
          b += src[s + 2] * w[k];
          a += src[s + 3] * w[k];
        }
        int o = (y * width + x) * 4;
        rows[o] = r;
        rows[o + 1] = g;
        rows[o + 2] = b;
        rows[o + 3] = a;
      }
    }
    Kernel vertical = Kernel.of(sh, height, filter);
    byte[] out = new byte[width * height * 4];
    for (int y = 0; y < height; y++) {
      int start = vertical.start[y];
      float[] w = vertical.weights[y];
      for (int x = 0; x < width; x++) {
        float r = 0;
        float g = 0;
        float b = 0;
        float a = 0;
        for (int k = 0; k < w.length; k++) {
          int s = ((start + k) * width + x) * 4;
          r += rows[s] * w[k];
          g += rows[s + 1] * w[k];
          b += rows[s + 2] * w[k];
          a += rows[s + 3] * w[k];
        }
        int o = (y * width + x) * 4;
        int alpha = clamp(a);
        float unpremultiply = alpha == 0 ? 0 : 255f / a;
        out[o] = (byte) clamp(r * unpremultiply);
        out[o + 1] = (byte) clamp(g * unpremultiply);
        out[o + 2] = (byte) clamp(b * unpremultiply);
        out[o + 3] = (byte) alpha;
      }
    }
    return new RgbaImage(width, height, out);
  }

  /**
   * {@code image} scaled, aspect ratio kept, to the smallest size that covers {@code width ×
   * height}, then centre-cropped to it. Used to bring an edit's input (and, with the same call, its
   * mask) to the requested output size: no borders appear that the model would have to invent; the
   * parts beyond the target's aspect ratio are cut.
   */
  public static RgbaImage cover(RgbaImage image, int width, int height, Filter filter) {
    double scale = Math.max((double) width / image.width(), (double) height / image.height());
    int scaledWidth = Math.max(width, (int) Math.round(image.width() * scale));
    int scaledHeight = Math.max(height, (int) Math.round(image.height() * scale));
    RgbaImage scaled = resize(image, scaledWidth, scaledHeight, filter);
    return Crop.crop(scaled, (scaledWidth - width) / 2, (scaledHeight - height) / 2, width, height);
  }

  private static float[] premultiplied(byte[] rgba) {
    float[] out = new float[rgba.length];
    for (int i = 0; i < rgba.length; i += 4) {
      int a = rgba[i + 3] & 0xff;
      float f = a / 255f;
      out[i] = (rgba[i] & 0xff) * f;
      out[i + 1] = (rgba[i + 1] & 0xff) * f;
      out[i + 2] = (rgba[i + 2] & 0xff) * f;
      out[i + 3] = a;
    }
    return out;
  }

  private static int clamp(float v) {
    return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }

  /** For each output coordinate, the first input index and the normalised weights. */
  private record Kernel(int[] start, float[][] weights) {
    static Kernel of(int inSize, int outSize, Filter filter) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1);
      double support = filter.support * filterScale;
      int[] start = new int[outSize];
      float[][] weights = new float[outSize][];
      for (int i = 0; i < outSize; i++) {
        double center = (i + 0.5) * scale;
        int min = Math.max(0, (int) (center - support + 0.5));
        int max = Math.min(inSize, (int) (center + support + 0.5));
        double[] w = new double[Math.max(0, max - min)];
        double total = 0;
        for (int k = 0; k < w.length; k++) {
          w[k] = filter.weight((k + min - center + 0.5) / filterScale);
          total += w[k];
        }
        float[] normalised = new float[w.length];
        for (int k = 0; k < w.length; k++) {
          normalised[k] = total == 0 ? 0 : (float) (w[k] / total);
        }
        start[i] = min;
        weights[i] = normalised;
      }
      return new Kernel(start, weights);
    }
  }
}
