package dev.easel.image;

/** An image that cannot be decoded, with a machine-readable {@link Reason}. */
public final class ImageFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why decoding was refused. */
  public enum Reason {
    /** Not PNG, JPEG or WebP (GIF, BMP, TIFF, CMYK JPEG, unknown bytes…). */
    UNSUPPORTED_FORMAT,
    /** Truncated or damaged data. */
    CORRUPT,
    /** Larger than the {@link DecodeLimits}; refused before any pixel is allocated. */
    TOO_LARGE
  }

  private final Reason reason;

  public ImageFormatException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ImageFormatException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
