package dev.easel.image;

/**
 * An 8-bit RGBA picture, rows top to bottom, four bytes per pixel (R, G, B, A; alpha 255 = opaque).
 * The one image type every layer exchanges.
 */
public record RgbaImage(int width, int height, byte[] rgba) {
  public RgbaImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    if (rgba.length != Math.multiplyExact(Math.multiplyExact(width, height), 4)) {
      throw new IllegalArgumentException(
          "expected " + (long) width * height * 4 + " bytes of RGBA, got " + rgba.length);
    }
  }

  /** A fully transparent image of the given size. */
  public static RgbaImage blank(int width, int height) {
    return new RgbaImage(width, height, new byte[width * height * 4]);
  }

  public int alpha(int x, int y) {
    return rgba[(y * width + x) * 4 + 3] & 0xff;
  }

  /** Channel c (0 R, 1 G, 2 B, 3 A) of pixel (x, y), 0..255. */
  public int channel(int x, int y, int c) {
    return rgba[(y * width + x) * 4 + c] & 0xff;
  }
}
