package dev.easel.image;

import java.nio.charset.StandardCharsets;

/** The image formats Easel decodes, recognised by their magic bytes only. */
public enum ImageFormat {
  PNG("png", "image/png"),
  JPEG("jpeg", "image/jpeg"),
  WEBP("webp", "image/webp");

  private final String imageIoName;
  private final String mimeType;

  ImageFormat(String imageIoName, String mimeType) {
    this.imageIoName = imageIoName;
    this.mimeType = mimeType;
  }

  public String mimeType() {
    return mimeType;
  }

  String imageIoName() {
    return imageIoName;
  }

  /**
   * The format of {@code bytes} from its first bytes.
   *
   * @throws ImageFormatException {@code UNSUPPORTED_FORMAT} naming the format when it is a known
   *     but unsupported one (GIF, BMP, TIFF…), or saying it is not an image
   */
  public static ImageFormat detect(byte[] bytes) {
    if (startsWith(bytes, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (startsWith(bytes, 0, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (startsWith(bytes, 0, 'R', 'I', 'F', 'F') && startsWith(bytes, 8, 'W', 'E', 'B', 'P')) {
      return WEBP;
    }
    String other = otherFormat(bytes);
    throw new ImageFormatException(
        ImageFormatException.Reason.UNSUPPORTED_FORMAT,
        (other == null
                ? "the data is not a PNG, JPEG or WebP image"
                : other + " images are not supported")
            + "; send PNG, JPEG or WebP");
  }

  static void detectPng(byte[] bytes) {
    if (detect(bytes) != PNG) {
      throw new ImageFormatException(
          ImageFormatException.Reason.UNSUPPORTED_FORMAT, "the data is not a PNG image");
    }
  }

  private static String otherFormat(byte[] b) {
    if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
      return "GIF";
    }
    if (startsWith(b, 0, 'B', 'M')) {
      return "BMP";
    }
    if (startsWith(b, 0, 'I', 'I', 0x2A, 0x00) || startsWith(b, 0, 'M', 'M', 0x00, 0x2A)) {
      return "TIFF";
    }
    if (b.length >= 12
        && new String(b, 4, 4, StandardCharsets.ISO_8859_1).equals("ftyp")
        && new String(b, 8, 4, StandardCharsets.ISO_8859_1).matches("avi.|hei.|hev.|mif1")) {
      return "AVIF/HEIF";
    }
    if (startsWith(b, 0, 0x00, 0x00, 0x01, 0x00)) {
      return "ICO";
    }
    return null;
  }

  private static boolean startsWith(byte[] bytes, int offset, int... magic) {
    if (bytes.length < offset + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((bytes[offset + i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
