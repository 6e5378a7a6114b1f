package dev.easel.image;

import com.luciad.imageio.webp.WebPWriteParam;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes RGBA pictures as PNG, JPEG or WebP.
 *
 * <ul>
 *   <li>PNG is lossless, keeps alpha (writes RGB when every pixel is opaque) and carries the text
 *       chunks; {@code outputCompression} does not apply to it (as in OpenAI's API).
 *   <li>JPEG has no alpha: transparent pixels are composited on <b>white</b>. It is baseline YCbCr
 *       4:2:0 from the JDK's libjpeg with the standard (IJG) tables at libjpeg quality {@code
 *       outputCompression}; large pictures are encoded in strips on all cores and joined with
 *       restart markers ({@link JpegWriter}).
 *   <li>WebP is lossy and keeps alpha.
 * </ul>
 *
 * <p>{@code outputCompression} follows OpenAI's {@code output_compression} (0–100, default 100) the
 * way OpenAI's service applies it: it is the quality kept, so 100 (the API default) gives the best
 * JPEG/WebP quality and lower values give smaller files. JPEG/WebP quality = {@code
 * outputCompression / 100}. (Reading it as "100 = most compression" would make every default JPEG
 * unusable.) Text chunks are written to PNG only.
 */
public final class ImageEncoder {
  /** OpenAI's default {@code output_compression}. */
  public static final int DEFAULT_OUTPUT_COMPRESSION = 100;

  private ImageEncoder() {}

  /** Encodes without text chunks at the default compression. */
  public static byte[] encode(RgbaImage image, OutputFormat format) {
    return encode(image, format, DEFAULT_OUTPUT_COMPRESSION, Map.of());
  }

  /**
   * @param outputCompression 0–100, OpenAI's {@code output_compression}: JPEG/WebP quality in
   *     percent; ignored for PNG
   * @param textChunks PNG text chunks, keyword (1–79 Latin-1 characters) → text, e.g. {@code
   *     parameters} → {@link GenerationParameters#format()}; ignored for JPEG and WebP
   */
  public static byte[] encode(
      RgbaImage image, OutputFormat format, int outputCompression, Map<String, String> textChunks) {
    if (outputCompression < 0 || outputCompression > 100) {
      throw new IllegalArgumentException(
          "output compression must be between 0 and 100, got " + outputCompression);
    }
    float quality = outputCompression / 100f;
    return switch (format) {
      case PNG -> PngWriter.write(image, textChunks);
      case JPEG -> JpegWriter.write(image, quality);
      case WEBP -> write("webp", argb(image), webpParam(quality));
    };
  }

  private static ImageWriteParam webpParam(float quality) {
    WebPWriteParam param = new WebPWriteParam(Locale.ROOT);
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionType("Lossy");
    param.setCompressionQuality(quality);
    return param;
  }

  private static byte[] write(String formatName, BufferedImage image, ImageWriteParam param) {
    ImageWriter writer = writer(formatName);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode " + formatName, e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static ImageWriter writer(String formatName) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(formatName);
    if (!writers.hasNext()) {
      throw new IllegalStateException("no ImageIO writer for " + formatName + " on the class path");
    }
    return writers.next();
  }

  private static BufferedImage argb(RgbaImage image) {
    BufferedImage out =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_ARGB);
    int[] argb = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    byte[] rgba = image.rgba();
    for (int i = 0; i < argb.length; i++) {
      int s = i * 4;
      argb[i] =
          (rgba[s + 3] & 0xff) << 24
              | (rgba[s] & 0xff) << 16
              | (rgba[s + 1] & 0xff) << 8
              | (rgba[s + 2] & 0xff);
    }
    return out;
  }
}
