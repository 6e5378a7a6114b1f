package dev.easel.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG and WebP bytes into 8-bit RGBA, safely: the format comes from the magic bytes,
 * and the size from the header is checked against {@link DecodeLimits} before pixels are allocated.
 * Grey, palette, 16-bit and alpha sources all become 8-bit RGBA; ICC profiles are ignored (samples
 * are taken as sRGB, as Pillow does).
 */
public final class ImageDecoder {
  private ImageDecoder() {}

  /** {@link #decode(byte[], DecodeLimits)} with {@link DecodeLimits#DEFAULT}. */
  public static DecodedImage decode(byte[] bytes) {
    return decode(bytes, DecodeLimits.DEFAULT);
  }

  /**
   * @throws ImageFormatException {@code UNSUPPORTED_FORMAT} (GIF, BMP, TIFF, CMYK JPEG, not an
   *     image), {@code TOO_LARGE} (over the limits), {@code CORRUPT} (truncated or damaged)
   */
  public static DecodedImage decode(byte[] bytes, DecodeLimits limits) {
    ImageFormat format = ImageFormat.detect(bytes);
    SourceInfo png = format == ImageFormat.PNG ? pngInfo(bytes, limits) : null;
    ImageReader reader = reader(format);
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      limits.check(reader.getWidth(0), reader.getHeight(0));
      if (!reader.getImageTypes(0).hasNext()) {
        throw unsupportedColourSpace(format);
      }
      BufferedImage decoded = reader.read(0);
      if (!warnings.isEmpty()) {
        throw new ImageFormatException(
            ImageFormatException.Reason.CORRUPT,
            "the " + format + " data is damaged: " + warnings.get(0));
      }
      SourceInfo info =
          switch (format) {
            case PNG -> png;
            case JPEG ->
                new SourceInfo(
                    decoded.getColorModel().getNumColorComponents() == 1
                        ? PixelMode.L
                        : PixelMode.RGB,
                    false);
            case WEBP -> webpInfo(bytes);
          };
      return new DecodedImage(toRgba(decoded), format, info.mode(), info.hasAlpha());
    } catch (ImageFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (format == ImageFormat.JPEG && String.valueOf(e.getMessage()).contains("Unsupported")) {
        throw unsupportedColourSpace(format);
      }
      throw new ImageFormatException(
          ImageFormatException.Reason.CORRUPT,
          "the " + format + " data is truncated or damaged (" + e.getMessage() + ")",
          e);
    } finally {
      reader.dispose();
    }
  }

  private record SourceInfo(PixelMode mode, boolean hasAlpha) {}

  private static ImageFormatException unsupportedColourSpace(ImageFormat format) {
    return new ImageFormatException(
        ImageFormatException.Reason.UNSUPPORTED_FORMAT,
        "this " + format + " uses a colour space Easel does not decode (e.g. CMYK); send RGB");
  }

  private static ImageReader reader(ImageFormat format) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
    if (!readers.hasNext()) {
      throw new IllegalStateException("no ImageIO reader for " + format + " on the class path");
    }
    return readers.next();
  }

  private static SourceInfo pngInfo(byte[] bytes, DecodeLimits limits) {
    List<PngChunks.Chunk> chunks = PngChunks.walk(bytes);
    PngChunks.Chunk ihdr = chunks.get(0);
    if (ihdr.length() != 13) {
      throw new ImageFormatException(
          ImageFormatException.Reason.CORRUPT, "the PNG IHDR chunk has a wrong length");
    }
    limits.check(
        PngChunks.readInt(bytes, ihdr.offset()), PngChunks.readInt(bytes, ihdr.offset() + 4));
    boolean transparency = chunks.stream().anyMatch(c -> c.type().equals("tRNS"));
    int colourType = bytes[ihdr.offset() + 9];
    return switch (colourType) {
      case 0 -> new SourceInfo(PixelMode.L, transparency);
      case 2 -> new SourceInfo(PixelMode.RGB, transparency);
      case 3 -> new SourceInfo(PixelMode.P, transparency);
      case 4 -> new SourceInfo(PixelMode.LA, true);
      case 6 -> new SourceInfo(PixelMode.RGBA, true);
      default ->
          throw new ImageFormatException(
              ImageFormatException.Reason.CORRUPT, "unknown PNG colour type " + colourType);
    };
  }

  /** Alpha from the WebP container: VP8X flags, or the VP8L header's alpha bit. */
  private static SourceInfo webpInfo(byte[] b) {
    String chunk = b.length >= 16 ? new String(b, 12, 4, StandardCharsets.ISO_8859_1) : "";
    boolean alpha =
        switch (chunk) {
          case "VP8X" -> b.length > 20 && (b[20] & 0x10) != 0;
          case "VP8L" -> b.length > 25 && (b[24] & 0x10) != 0;
          default -> false;
        };
    return new SourceInfo(alpha ? PixelMode.RGBA : PixelMode.RGB, alpha);
  }

  /**
   * Raw samples scaled to 8 bits (no colour conversion: Java's grey → sRGB path changes values).
   */
  static RgbaImage toRgba(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] rgba = new byte[w * h * 4];
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    if (cm instanceof IndexColorModel palette) {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          putArgb(rgba, (y * w + x) * 4, palette.getRGB(row[x]));
        }
      }
    } else if (cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied()) {
      int colours = cm.getNumColorComponents();
      int type = cm.getColorSpace().getType();
      if (!(colours == 1 && type == ColorSpace.TYPE_GRAY)
          && !(colours == 3 && type == ColorSpace.TYPE_RGB)) {
        throw new ImageFormatException(
            ImageFormatException.Reason.UNSUPPORTED_FORMAT,
            "images with " + colours + " colour components (e.g. CMYK) are not supported");
      }
      int bands = raster.getNumBands();
      int[] max = new int[bands];
      for (int b = 0; b < bands; b++) {
        max[b] = (1 << cm.getComponentSize(b)) - 1;
      }
      int[] row = new int[w * bands];
      for (int y = 0; y < h; y++) {
        raster.getPixels(0, y, w, 1, row);
        for (int x = 0; x < w; x++) {
          int o = (y * w + x) * 4;
          int s = x * bands;
          int r = scale(row[s], max[0]);
          rgba[o] = (byte) r;
          rgba[o + 1] = (byte) (colours == 1 ? r : scale(row[s + 1], max[1]));
          rgba[o + 2] = (byte) (colours == 1 ? r : scale(row[s + 2], max[2]));
          rgba[o + 3] = (byte) (cm.hasAlpha() ? scale(row[s + colours], max[colours]) : 255);
        }
      }
    } else {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0; x < w; x++) {
          putArgb(rgba, (y * w + x) * 4, row[x]);
        }
      }
    }
    return new RgbaImage(w, h, rgba);
  }

  private static int scale(int sample, int max) {
    return max == 255 ? sample : (sample * 255 + max / 2) / max;
  }

  private static void putArgb(byte[] rgba, int o, int argb) {
    rgba[o] = (byte) (argb >> 16);
    rgba[o + 1] = (byte) (argb >> 8);
    rgba[o + 2] = (byte) argb;
    rgba[o + 3] = (byte) (argb >>> 24);
  }
}
