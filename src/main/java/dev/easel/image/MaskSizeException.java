package dev.easel.image;

/** A mask whose size differs from its image's (OpenAI: {@code invalid_mask_image_format}). */
public final class MaskSizeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MaskSizeException(int imageWidth, int imageHeight, int maskWidth, int maskHeight) {
    super(
        "mask size "
            + maskWidth
            + "x"
            + maskHeight
            + " does not match image size "
            + imageWidth
            + "x"
            + imageHeight);
  }
}
