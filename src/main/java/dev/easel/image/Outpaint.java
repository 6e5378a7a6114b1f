package dev.easel.image;

/**
 * Canvases for outpainting: the picture placed on a larger, fully transparent canvas, so that
 * {@link InpaintMask#fromAlpha} regenerates exactly the new area and keeps every original pixel.
 */
public final class Outpaint {
  private Outpaint() {}

  /** {@code image} with transparent margins of the given widths added on each side. */
  public static RgbaImage extend(RgbaImage image, int left, int top, int right, int bottom) {
    if (left < 0 || top < 0 || right < 0 || bottom < 0) {
      throw new IllegalArgumentException(
          "outpaint margins must not be negative, got left "
              + left
              + ", top "
              + top
              + ", right "
              + right
              + ", bottom "
              + bottom);
    }
    return place(image, image.width() + left + right, image.height() + top + bottom, left, top);
  }

  /**
   * A transparent {@code canvasWidth × canvasHeight} canvas with {@code image} at (x, y); the image
   * must lie entirely inside the canvas.
   */
  public static RgbaImage place(RgbaImage image, int canvasWidth, int canvasHeight, int x, int y) {
    if (x < 0 || y < 0 || x + image.width() > canvasWidth || y + image.height() > canvasHeight) {
      throw new IllegalArgumentException(
          "a "
              + image.width()
              + "x"
              + image.height()
              + " image at ("
              + x
              + ", "
              + y
              + ") does not fit on a "
              + canvasWidth
              + "x"
              + canvasHeight
              + " canvas");
    }
    RgbaImage canvas = RgbaImage.blank(canvasWidth, canvasHeight);
    Crop.copy(image, 0, 0, canvas, x, y, image.width(), image.height());
    return canvas;
  }
}
