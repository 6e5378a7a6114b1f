package dev.easel.api;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Small real image files for upload tests. */
final class TestImages {
  private TestImages() {}

  static byte[] png(int width, int height) {
    return encode(new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB), "png");
  }

  static byte[] jpeg(int width, int height) {
    return encode(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "jpeg");
  }

  private static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A complete PNG of a hundred-odd bytes whose header claims a width × height picture (a
   * decompression bomb): IHDR, a small IDAT of deflated zeros, IEND.
   */
  static byte[] pngHeaderClaiming(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8;
    ihdr[9] = 6;
    chunk(out, "IHDR", ihdr);
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    deflater.setInput(new byte[4096]);
    deflater.finish();
    byte[] idat = new byte[256];
    chunk(out, "IDAT", Arrays.copyOf(idat, deflater.deflate(idat)));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] length = new byte[4];
    putInt(length, 0, data.length);
    out.writeBytes(length);
    byte[] typeAndData = new byte[4 + data.length];
    System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, typeAndData, 0, 4);
    System.arraycopy(data, 0, typeAndData, 4, data.length);
    out.writeBytes(typeAndData);
    CRC32 crc = new CRC32();
    crc.update(typeAndData);
    byte[] c = new byte[4];
    putInt(c, 0, (int) crc.getValue());
    out.writeBytes(c);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
