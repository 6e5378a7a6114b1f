package dev.easel.image;

import java.util.ArrayList;
import java.util.List;

/**
 * RGB pixels ↔ float NCHW tensors [N, 3, H, W] (alpha is dropped), as diffusers' image processor
 * does: {@code x / 255} for [0, 1], {@code 2 · x / 255 − 1} for [-1, 1]; back with clamping and
 * {@code round(x · 255)} (half to even, as numpy).
 */
public final class Tensors {
  private Tensors() {}

  /** The value range of a tensor. */
  public enum Range {
    /** What the VAE encoder takes and the VAE decoder gives. */
    MINUS_ONE_TO_ONE,
    ZERO_TO_ONE
  }

  public static float[] toNchw(RgbaImage image, Range range) {
    return toNchw(List.of(image), range);
  }

  /** A batch of same-sized images. */
  public static float[] toNchw(List<RgbaImage> images, Range range) {
    int w = images.get(0).width();
    int h = images.get(0).height();
    int plane = w * h;
    float[] out = new float[images.size() * 3 * plane];
    for (int n = 0; n < images.size(); n++) {
      RgbaImage image = images.get(n);
      if (image.width() != w || image.height() != h) {
        throw new IllegalArgumentException(
            "a batch needs images of one size: "
                + w
                + "x"
                + h
                + " and "
                + image.width()
                + "x"
                + image.height());
      }
      byte[] rgba = image.rgba();
      int base = n * 3 * plane;
      for (int i = 0; i < plane; i++) {
        for (int c = 0; c < 3; c++) {
          float v = (rgba[i * 4 + c] & 0xff) / 255f;
          out[base + c * plane + i] = range == Range.ZERO_TO_ONE ? v : 2f * v - 1f;
        }
      }
    }
    return out;
  }

  /** Opaque images from an [n, 3, height, width] tensor. */
  public static List<RgbaImage> fromNchw(float[] data, int n, int height, int width, Range range) {
    int plane = width * height;
    if ((long) n * 3 * plane != data.length) {
      throw new IllegalArgumentException(
          "expected "
              + (long) n * 3 * plane
              + " values for ["
              + n
              + ", 3, "
              + height
              + ", "
              + width
              + "], got "
              + data.length);
    }
    List<RgbaImage> images = new ArrayList<>(n);
    for (int b = 0; b < n; b++) {
      byte[] rgba = new byte[plane * 4];
      int base = b * 3 * plane;
      for (int i = 0; i < plane; i++) {
        for (int c = 0; c < 3; c++) {
          float v = data[base + c * plane + i];
          if (range == Range.MINUS_ONE_TO_ONE) {
            v = v / 2f + 0.5f;
          }
          v = Math.min(1f, Math.max(0f, v)); // NaN stays NaN and becomes 0 below
          rgba[i * 4 + c] = (byte) (int) Math.rint(v * 255f);
        }
        rgba[i * 4 + 3] = (byte) 255;
      }
      images.add(new RgbaImage(width, height, rgba));
    }
    return images;
  }
}
