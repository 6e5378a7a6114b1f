package dev.easel.image;

import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Baseline JPEG through the JDK's libjpeg ({@code javax.imageio}): YCbCr 4:2:0, the standard
 * quantization tables scaled to the quality, the standard Huffman tables; transparent pixels are
 * composited on white.
 *
 * <p>libjpeg encodes on one core. A large picture is therefore cut into horizontal strips whose
 * height is a multiple of the 16-pixel MCU, the strips are encoded on all cores at once, and their
 * entropy-coded segments are joined with restart markers (RST<i>n</i>) under one header that
 * declares a restart interval (DRI) of one strip. At a restart marker a decoder resets the DC
 * prediction and the bit alignment exactly as libjpeg does at the start of each strip, so the file
 * is, byte for byte, the one libjpeg writes for the whole picture with that restart interval, and
 * it decodes to the same pixels as the picture encoded in one piece.
 */
final class JpegWriter {
  /** The MCU height of 4:2:0; strip heights are multiples of it. */
  static final int MCU_SIZE = 16;

  /** Below this many pixels a strip costs more in set-up than it saves. */
  private static final int MIN_STRIP_PIXELS = 1 << 16;

  private static final int MAX_RESTART_INTERVAL = 0xFFFF;
  private static final int SOF0 = 0xC0;
  private static final int SOS = 0xDA;
  private static final int RST0 = 0xD0;
  private static final int EOI = 0xD9;
  private static final ColorModel SRGB =
      new ComponentColorModel(
          ColorSpace.getInstance(ColorSpace.CS_sRGB),
          false,
          false,
          Transparency.OPAQUE,
          DataBuffer.TYPE_BYTE);

  private JpegWriter() {}

  /**
   * @param quality 0–1, libjpeg's quality in percent / 100
   */
  static byte[] write(RgbaImage image, float quality) {
    int cores = Math.max(1, ForkJoinPool.getCommonPoolParallelism() + 1);
    long pixels = (long) image.width() * image.height();
    // Two strips per core, so a core that finishes early (or is busy elsewhere) evens out.
    int strips = (int) Math.max(1, Math.min(2L * cores, pixels / MIN_STRIP_PIXELS));
    int mcuRows = Math.ceilDiv(image.height(), MCU_SIZE);
    return write(image, quality, Math.ceilDiv(mcuRows, strips) * MCU_SIZE);
  }

  /**
   * Encodes in strips of {@code stripHeight} rows (a positive multiple of {@link #MCU_SIZE}; fewer
   * when one strip would exceed the largest restart interval).
   */
  static byte[] write(RgbaImage image, float quality, int stripHeight) {
    if (stripHeight <= 0 || stripHeight % MCU_SIZE != 0) {
      throw new IllegalArgumentException(
          "strip height must be a positive multiple of " + MCU_SIZE + ", got " + stripHeight);
    }
    int mcuColumns = Math.ceilDiv(image.width(), MCU_SIZE);
    int maxMcuRows = Math.max(1, MAX_RESTART_INTERVAL / mcuColumns);
    int height = Math.min(Math.min(stripHeight, maxMcuRows * MCU_SIZE), image.height());
    byte[][] strips = encodeStrips(image, quality, height);
    return strips.length == 1 ? strips[0] : join(strips, image.height(), height);
  }

  /** Encodes the strips, this thread and the common pool's workers taking the next one in turn. */
  private static byte[][] encodeStrips(RgbaImage image, float quality, int stripHeight) {
    int count = Math.ceilDiv(image.height(), stripHeight);
    byte[][] encoded = new byte[count][];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(count);
    Runnable work =
        () -> {
          for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            try {
              int y = i * stripHeight;
              encoded[i] =
                  encode(strip(image, y, Math.min(stripHeight, image.height() - y)), quality);
            } catch (RuntimeException | Error e) {
              failure.compareAndSet(null, e);
            } finally {
              done.countDown();
            }
          }
        };
    int helpers = Math.min(count - 1, ForkJoinPool.getCommonPoolParallelism());
    for (int i = 0; i < helpers; i++) {
      ForkJoinPool.commonPool().execute(work);
    }
    // A helper that has not started when this thread runs out of strips finds none left, so the
    // wait below is only for strips being encoded.
    work.run();
    awaitUninterruptibly(done);
    if (failure.get() instanceof RuntimeException e) {
      throw e;
    }
    if (failure.get() instanceof Error e) {
      throw e;
    }
    return encoded;
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Rows {@code y}..{@code y + height} as an opaque RGB image, sharing the pixels when opaque. */
  private static BufferedImage strip(RgbaImage image, int y, int height) {
    int w = image.width();
    byte[] rgba = image.rgba();
    int from = y * w * 4;
    int to = (y + height) * w * 4;
    WritableRaster raster;
    if (isOpaque(rgba, from, to)) {
      int[] bands = {from, from + 1, from + 2};
      raster = interleaved(rgba, w, height, 4, bands);
    } else {
      byte[] rgb = new byte[w * height * 3];
      for (int s = from, d = 0; s < to; s += 4, d += 3) {
        int a = rgba[s + 3] & 0xff;
        rgb[d] = onWhite(rgba[s], a);
        rgb[d + 1] = onWhite(rgba[s + 1], a);
        rgb[d + 2] = onWhite(rgba[s + 2], a);
      }
      raster = interleaved(rgb, w, height, 3, new int[] {0, 1, 2});
    }
    return new BufferedImage(SRGB, raster, false, null);
  }

  private static WritableRaster interleaved(
      byte[] pixels, int width, int height, int pixelStride, int[] bandOffsets) {
    return Raster.createInterleavedRaster(
        new DataBufferByte(pixels, pixels.length),
        width,
        height,
        width * pixelStride,
        pixelStride,
        bandOffsets,
        new Point());
  }

  private static boolean isOpaque(byte[] rgba, int from, int to) {
    for (int i = from + 3; i < to; i += 4) {
      if (rgba[i] != (byte) 255) {
        return false;
      }
    }
    return true;
  }

  private static byte onWhite(byte c, int alpha) {
    return alpha == 255 ? c : (byte) (((c & 0xff) * alpha + 255 * (255 - alpha) + 127) / 255);
  }

  private static byte[] encode(BufferedImage image, float quality) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IllegalStateException("no ImageIO writer for jpeg on the class path");
    }
    ImageWriter writer = writers.next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(image.getWidth() * image.getHeight() / 2 + 1024);
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode jpeg", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * The first strip's header with the full height and a DRI segment, then every strip's
   * entropy-coded segment followed by the next restart marker, then EOI.
   */
  private static byte[] join(byte[][] strips, int height, int stripHeight) {
    byte[] first = strips[0];
    int sof = segment(first, SOF0);
    int sos = segment(first, SOS);
    int components = first[sof + 9] & 0xff;
    int maxH = 1;
    int maxV = 1;
    for (int c = 0; c < components; c++) {
      int sampling = first[sof + 11 + 3 * c] & 0xff;
      maxH = Math.max(maxH, sampling >> 4);
      maxV = Math.max(maxV, sampling & 0xf);
    }
    int width = u16(first, sof + 7);
    if (stripHeight % (8 * maxV) != 0) {
      throw new IllegalStateException(
          "libjpeg chose an MCU of " + 8 * maxV + " rows, strips are " + stripHeight);
    }
    int interval = stripHeight / (8 * maxV) * Math.ceilDiv(width, 8 * maxH);
    int total = 0;
    for (byte[] s : strips) {
      total += s.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(total + 6);
    out.write(first, 0, sos);
    out.write(0xFF);
    out.write(0xDD);
    out.write(0);
    out.write(4);
    out.write(interval >> 8);
    out.write(interval);
    for (int i = 0; i < strips.length; i++) {
      byte[] s = strips[i];
      int start = i == 0 ? sos : segment(s, SOS) + 2 + u16(s, segment(s, SOS) + 2);
      if ((s[s.length - 2] & 0xff) != 0xFF || (s[s.length - 1] & 0xff) != EOI) {
        throw new IllegalStateException("libjpeg's strip does not end with EOI");
      }
      out.write(s, start, s.length - 2 - start);
      if (i < strips.length - 1) {
        out.write(0xFF);
        out.write(RST0 + (i & 7));
      }
    }
    out.write(0xFF);
    out.write(EOI);
    byte[] joined = out.toByteArray();
    joined[sof + 5] = (byte) (height >> 8);
    joined[sof + 6] = (byte) height;
    return joined;
  }

  /** The offset of the first marker segment with this code, walking the header from SOI. */
  private static int segment(byte[] jpeg, int code) {
    int i = 2;
    while (i + 4 <= jpeg.length && (jpeg[i] & 0xff) == 0xFF) {
      if ((jpeg[i + 1] & 0xff) == code) {
        return i;
      }
      if ((jpeg[i + 1] & 0xff) == SOS) {
        break;
      }
      i += 2 + u16(jpeg, i + 2);
    }
    throw new IllegalStateException(
        "libjpeg's output has no marker 0x" + Integer.toHexString(code) + " in its header");
  }

  private static int u16(byte[] b, int i) {
    return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
  }
}
