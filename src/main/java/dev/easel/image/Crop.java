package dev.easel.image;

/** Rectangles of pixels. */
public final class Crop {
  private Crop() {}

  /** The {@code width × height} rectangle of {@code image} whose top-left corner is (x, y). */
  public static RgbaImage crop(RgbaImage image, int x, int y, int width, int height) {
    if (x < 0
        || y < 0
        || width <= 0
        || height <= 0
        || x + width > image.width()
        || y + height > image.height()) {
      throw new IllegalArgumentException(
          "crop "
              + width
              + "x"
              + height
              + " at ("
              + x
              + ", "
              + y
              + ") does not fit in a "
              + image.width()
              + "x"
              + image.height()
              + " image");
    }
    RgbaImage out = RgbaImage.blank(width, height);
    copy(image, x, y, out, 0, 0, width, height);
    return out;
  }

  /** Copies a {@code width × height} rectangle from (sx, sy) of {@code from} to (dx, dy) of to. */
  static void copy(
      RgbaImage from, int sx, int sy, RgbaImage to, int dx, int dy, int width, int height) {
    for (int row = 0; row < height; row++) {
      System.arraycopy(
          from.rgba(),
          ((sy + row) * from.width() + sx) * 4,
          to.rgba(),
          ((dy + row) * to.width() + dx) * 4,
          width * 4);
    }
  }
}
