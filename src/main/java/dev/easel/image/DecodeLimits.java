package dev.easel.image;

/**
 * The largest picture {@link ImageDecoder} accepts, checked against the header before any pixel is
 * allocated.
 *
 * @param maxSide largest width or height in pixels
 * @param maxPixels largest width × height
 */
public record DecodeLimits(int maxSide, long maxPixels) {
  /** 8192 pixels per side, 40 megapixels. */
  public static final DecodeLimits DEFAULT = new DecodeLimits(8192, 40_000_000L);

  public DecodeLimits {
    if (maxSide <= 0 || maxPixels <= 0) {
      throw new IllegalArgumentException(
          "decode limits must be positive, got " + maxSide + " per side, " + maxPixels + " pixels");
    }
  }

  void check(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new ImageFormatException(
          ImageFormatException.Reason.CORRUPT,
          "the image header gives an invalid size " + width + "x" + height);
    }
    if (width > maxSide || height > maxSide || (long) width * height > maxPixels) {
      throw new ImageFormatException(
          ImageFormatException.Reason.TOO_LARGE,
          "image is "
              + width
              + "x"
              + height
              + " pixels; the limit is "
              + maxSide
              + " pixels per side and "
              + maxPixels
              + " pixels in all");
    }
  }
}
