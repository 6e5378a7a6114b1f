package dev.easel.api;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
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

  /** A few dozen bytes whose PNG header claims a width × height picture (a decompression bomb). */
  static byte[] pngHeaderClaiming(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = new byte[17];
    ihdr[0] = 'I';
    ihdr[1] = 'H';
    ihdr[2] = 'D';
    ihdr[3] = 'R';
    putInt(ihdr, 4, width);
    putInt(ihdr, 8, height);
    ihdr[12] = 8;
    ihdr[13] = 6;
    byte[] length = new byte[4];
    putInt(length, 0, 13);
    out.writeBytes(length);
    out.writeBytes(ihdr);
    CRC32 crc = new CRC32();
    crc.update(ihdr);
    byte[] c = new byte[4];
    putInt(c, 0, (int) crc.getValue());
    out.writeBytes(c);
    return out.toByteArray();
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
