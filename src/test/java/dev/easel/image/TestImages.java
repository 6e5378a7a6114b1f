package dev.easel.image;

import java.util.Random;

/** Pictures built in code for the image tests. */
final class TestImages {
  private TestImages() {}

  /** Smooth colour gradients plus mild noise, like a photograph; opaque. */
  static RgbaImage photoLike(int width, int height, long seed) {
    Random random = new Random(seed);
    byte[] rgba = new byte[width * height * 4];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int o = (y * width + x) * 4;
        double u = (double) x / width;
        double v = (double) y / height;
        rgba[o] = clamp(128 + 100 * Math.sin(6 * u + 2 * v) + random.nextInt(7) - 3);
        rgba[o + 1] = clamp(255 * v + random.nextInt(7) - 3);
        rgba[o + 2] = clamp(128 + 90 * Math.cos(9 * u * v) + random.nextInt(7) - 3);
        rgba[o + 3] = (byte) 255;
      }
    }
    return new RgbaImage(width, height, rgba);
  }

  /** {@link #photoLike} with an alpha ramp from 0 (left) to 255 (right). */
  static RgbaImage withAlphaRamp(int width, int height) {
    RgbaImage image = photoLike(width, height, 7);
    byte[] rgba = image.rgba();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        rgba[(y * width + x) * 4 + 3] = (byte) (x * 255 / (width - 1));
      }
    }
    return image;
  }

  static RgbaImage solid(int width, int height, int r, int g, int b, int a) {
    byte[] rgba = new byte[width * height * 4];
    for (int i = 0; i < rgba.length; i += 4) {
      rgba[i] = (byte) r;
      rgba[i + 1] = (byte) g;
      rgba[i + 2] = (byte) b;
      rgba[i + 3] = (byte) a;
    }
    return new RgbaImage(width, height, rgba);
  }

  /** Peak signal-to-noise ratio of the RGB channels, in dB. */
  static double psnr(RgbaImage a, RgbaImage b) {
    double sum = 0;
    long n = 0;
    for (int i = 0; i < a.rgba().length; i++) {
      if (i % 4 == 3) {
        continue;
      }
      double d = (a.rgba()[i] & 0xff) - (b.rgba()[i] & 0xff);
      sum += d * d;
      n++;
    }
    return sum == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / (sum / n));
  }

  private static byte clamp(double v) {
    return (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
  }
}
