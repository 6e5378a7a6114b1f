package dev.easel.engine;

import dev.easel.image.RgbaImage;

/** Input pictures, requests and image comparisons for the pipeline tests. */
public final class Pictures {
  private Pictures() {}

  /** A bold composition: a bright disc on a dark background with a diagonal colour ramp; opaque. */
  public static RgbaImage disc(int width, int height) {
    return shape(width, height, (x, y) -> Math.hypot(x - 0.3, y - 0.35) < 0.25);
  }

  /** A different composition: a bright horizontal band in the lower half; opaque. */
  public static RgbaImage band(int width, int height) {
    return shape(width, height, (x, y) -> y > 0.6 && y < 0.85);
  }

  private interface Region {
    boolean contains(double x, double y);
  }

  private static RgbaImage shape(int width, int height, Region bright) {
    byte[] rgba = new byte[width * height * 4];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int o = (y * width + x) * 4;
        double u = (double) x / width;
        double v = (double) y / height;
        boolean in = bright.contains(u, v);
        rgba[o] = (byte) (in ? 240 : 20 + 60 * u);
        rgba[o + 1] = (byte) (in ? 220 : 30 + 60 * v);
        rgba[o + 2] = (byte) (in ? 60 : 90);
        rgba[o + 3] = (byte) 255;
      }
    }
    return new RgbaImage(width, height, rgba);
  }

  /** An opaque mask of {@code image}'s size whose alpha is {@code alpha(x, y)}. */
  public static RgbaImage mask(int width, int height, java.util.function.IntBinaryOperator alpha) {
    byte[] rgba = new byte[width * height * 4];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int o = (y * width + x) * 4;
        rgba[o] = rgba[o + 1] = rgba[o + 2] = 0;
        rgba[o + 3] = (byte) alpha.applyAsInt(x, y);
      }
    }
    return new RgbaImage(width, height, rgba);
  }

  /** Peak signal-to-noise ratio over the RGB channels, in dB (infinite when identical). */
  public static double psnr(RgbaImage a, RgbaImage b) {
    double sum = 0;
    int count = 0;
    for (int i = 0; i < a.rgba().length; i++) {
      if (i % 4 == 3) {
        continue;
      }
      double d = (a.rgba()[i] & 0xff) - (b.rgba()[i] & 0xff);
      sum += d * d;
      count++;
    }
    return 10 * Math.log10(255.0 * 255.0 / (sum / count));
  }

  /** The largest difference of any channel of any pixel. */
  public static int maxDifference(RgbaImage a, RgbaImage b) {
    int max = 0;
    for (int i = 0; i < a.rgba().length; i++) {
      max = Math.max(max, Math.abs((a.rgba()[i] & 0xff) - (b.rgba()[i] & 0xff)));
    }
    return max;
  }

  /**
   * Pearson correlation of the two pictures' brightness over 8×8 blocks: how alike their layouts
   * are (1 same, 0 unrelated), blind to colour shifts and fine detail.
   */
  public static double layoutCorrelation(RgbaImage a, RgbaImage b) {
    double[] x = blockBrightness(a);
    double[] y = blockBrightness(b);
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i] / x.length;
      my += y[i] / y.length;
    }
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  private static double[] blockBrightness(RgbaImage img) {
    int b = 8;
    int cols = img.width() / b;
    double[] out = new double[cols * (img.height() / b)];
    for (int y = 0; y < img.height() / b * b; y++) {
      for (int x = 0; x < cols * b; x++) {
        out[(y / b) * cols + x / b] +=
            img.channel(x, y, 0) + img.channel(x, y, 1) + img.channel(x, y, 2);
      }
    }
    return out;
  }

  /** Standard deviation of the RGB values: 0 for a flat picture. */
  public static double spread(RgbaImage img) {
    double sum = 0;
    double sq = 0;
    int count = 0;
    for (int i = 0; i < img.rgba().length; i++) {
      if (i % 4 != 3) {
        int v = img.rgba()[i] & 0xff;
        sum += v;
        sq += (double) v * v;
        count++;
      }
    }
    double mean = sum / count;
    return Math.sqrt(Math.max(0, sq / count - mean * mean));
  }
}
