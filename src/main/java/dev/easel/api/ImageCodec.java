package dev.easel.api;

import dev.easel.image.RgbaImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Reads uploaded images (format from magic bytes, dimensions from the header before any pixel is
 * allocated) and encodes results, through ImageIO. Stands in until {@code dev.easel.image}'s
 * decoder and encoder land; its callers only see {@link #probe}, {@link #decode} and {@link
 * #encode}.
 */
final class ImageCodec {
  /** The formats Easel reads and writes. */
  enum Format {
    PNG("png", "image/png"),
    JPEG("jpeg", "image/jpeg"),
    WEBP("webp", "image/webp");

    final String name;
    final String mediaType;

    Format(String name, String mediaType) {
      this.name = name;
      this.mediaType = mediaType;
    }

    static Format named(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }

    String extension() {
      return this == JPEG ? "jpg" : name;
    }
  }

  /** What the header says. */
  record Info(Format format, int width, int height) {}

  private ImageCodec() {}

  /** The format and size from the first bytes, or null when they are no PNG, JPEG or WebP. */
  static Info probe(byte[] b) {
    if (b.length >= 24
        && (b[0] & 0xff) == 0x89
        && b[1] == 'P'
        && b[2] == 'N'
        && b[3] == 'G'
        && b[12] == 'I'
        && b[13] == 'H') {
      return new Info(Format.PNG, int32(b, 16), int32(b, 20));
    }
    if (b.length >= 4 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
      return jpeg(b);
    }
    if (b.length >= 30 && ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) {
      return webp(b);
    }
    return null;
  }

  private static Info jpeg(byte[] b) {
    int i = 2;
    while (i + 9 < b.length) {
      if ((b[i] & 0xff) != 0xff) {
        return null;
      }
      int marker = b[i + 1] & 0xff;
      if (marker == 0xff) {
        i++;
        continue;
      }
      boolean sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8;
      if (sof && marker != 0xcc) {
        return new Info(Format.JPEG, int16(b, i + 7), int16(b, i + 5));
      }
      i += 2 + int16(b, i + 2);
    }
    return null;
  }

  private static Info webp(byte[] b) {
    if (ascii(b, 12, "VP8 ")) {
      return new Info(Format.WEBP, int16le(b, 26) & 0x3fff, int16le(b, 28) & 0x3fff);
    }
    if (ascii(b, 12, "VP8L")) {
      long bits =
          (b[21] & 0xffL) | (b[22] & 0xffL) << 8 | (b[23] & 0xffL) << 16 | (b[24] & 0xffL) << 24;
      return new Info(Format.WEBP, (int) (bits & 0x3fff) + 1, (int) ((bits >> 14) & 0x3fff) + 1);
    }
    if (ascii(b, 12, "VP8X")) {
      return new Info(Format.WEBP, int24le(b, 24) + 1, int24le(b, 27) + 1);
    }
    return null;
  }

  /** Decodes after {@link #probe}; the caller has already checked the dimensions. */
  static RgbaImage decode(byte[] data, Info info) {
    BufferedImage image;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(info.format().name);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        if (reader.getWidth(0) != info.width() || reader.getHeight(0) != info.height()) {
          return null;
        }
        image = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] rgba = new byte[w * h * 4];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int p = row[x];
        int o = (y * w + x) * 4;
        rgba[o] = (byte) (p >> 16);
        rgba[o + 1] = (byte) (p >> 8);
        rgba[o + 2] = (byte) p;
        rgba[o + 3] = (byte) (p >>> 24);
      }
    }
    return new RgbaImage(w, h, rgba);
  }

  /**
   * Encodes an image.
   *
   * @param compression 0–100 for JPEG and WebP (100 = best quality); ignored for PNG
   */
  static byte[] encode(RgbaImage image, Format format, int compression) {
    boolean alpha = format != Format.JPEG;
    BufferedImage out =
        new BufferedImage(
            image.width(),
            image.height(),
            alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    byte[] px = image.rgba();
    int[] row = new int[image.width()];
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        int o = (y * image.width() + x) * 4;
        row[x] =
            (px[o + 3] & 0xff) << 24
                | (px[o] & 0xff) << 16
                | (px[o + 1] & 0xff) << 8
                | px[o + 2] & 0xff;
      }
      out.setRGB(0, y, image.width(), 1, row, 0, image.width());
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format.name).next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (format != Format.PNG && param.canWriteCompressed()) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        if (param.getCompressionTypes() != null && param.getCompressionType() == null) {
          param.setCompressionType(param.getCompressionTypes()[0]);
        }
        param.setCompressionQuality(Math.clamp(compression / 100f, 0f, 1f));
      }
      writer.write(null, new IIOImage(out, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static boolean ascii(byte[] b, int at, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (b[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int int32(byte[] b, int i) {
    long v =
        (b[i] & 0xffL) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | b[i + 3] & 0xff;
    return (int) Math.min(v, Integer.MAX_VALUE);
  }

  private static int int16(byte[] b, int i) {
    return (b[i] & 0xff) << 8 | b[i + 1] & 0xff;
  }

  private static int int16le(byte[] b, int i) {
    return b[i] & 0xff | (b[i + 1] & 0xff) << 8;
  }

  private static int int24le(byte[] b, int i) {
    return b[i] & 0xff | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16;
  }
}
