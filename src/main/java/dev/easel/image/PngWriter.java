package dev.easel.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small, fast PNG encoder: 8-bit RGB (when every pixel is opaque) or RGBA, Paeth filter, zlib at
 * its fastest level, and text chunks ({@code tEXt} for Latin-1 text, {@code iTXt} in UTF-8
 * otherwise) before the image data.
 */
final class PngWriter {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  private static final int DEFLATE_LEVEL = 1;
  private static final byte PAETH = 4;

  private PngWriter() {}

  static byte[] write(RgbaImage image, Map<String, String> text) {
    int w = image.width();
    int h = image.height();
    boolean opaque = isOpaque(image.rgba());
    int channels = opaque ? 3 : 4;
    ByteArrayOutputStream out = new ByteArrayOutputStream(w * h * channels / 2 + 1024);
    out.writeBytes(SIGNATURE);
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, w);
    putInt(ihdr, 4, h);
    ihdr[8] = 8;
    ihdr[9] = (byte) (opaque ? 2 : 6);
    chunk(out, "IHDR", ihdr);
    for (Map.Entry<String, String> e : text.entrySet()) {
      textChunk(out, e.getKey(), e.getValue());
    }
    chunk(out, "IDAT", deflate(filtered(image.rgba(), w, h, channels)));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static boolean isOpaque(byte[] rgba) {
    for (int i = 3; i < rgba.length; i += 4) {
      if (rgba[i] != (byte) 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * Rows each prefixed with filter type 4 (Paeth), ready for zlib. Paeth on every row compresses
   * photographs as well as per-row filter selection, at a fraction of the time.
   */
  private static byte[] filtered(byte[] rgba, int w, int h, int channels) {
    int stride = w * channels;
    byte[] data = new byte[(stride + 1) * h];
    byte[] previous = new byte[stride];
    byte[] current = new byte[stride];
    for (int y = 0; y < h; y++) {
      if (channels == 4) {
        System.arraycopy(rgba, y * stride, current, 0, stride);
      } else {
        for (int x = 0, s = y * w * 4; x < stride; x += 3, s += 4) {
          current[x] = rgba[s];
          current[x + 1] = rgba[s + 1];
          current[x + 2] = rgba[s + 2];
        }
      }
      int o = y * (stride + 1);
      data[o] = PAETH;
      for (int i = 0; i < channels; i++) {
        data[o + 1 + i] = (byte) (current[i] - previous[i]);
      }
      for (int i = channels; i < stride; i++) {
        int predicted =
            paeth(current[i - channels] & 0xff, previous[i] & 0xff, previous[i - channels] & 0xff);
        data[o + 1 + i] = (byte) (current[i] - predicted);
      }
      byte[] t = previous;
      previous = current;
      current = t;
    }
    return data;
  }

  private static int paeth(int a, int b, int c) {
    int pa = Math.abs(b - c);
    int pb = Math.abs(a - c);
    int pc = Math.abs(a + b - c - c);
    int ab = pa <= pb ? a : b;
    return Math.min(pa, pb) <= pc ? ab : c;
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(DEFLATE_LEVEL);
    try {
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
      byte[] buffer = new byte[64 * 1024];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static void textChunk(ByteArrayOutputStream out, String keyword, String text) {
    if (keyword.isEmpty()
        || keyword.length() > 79
        || keyword.indexOf('\0') >= 0
        || !StandardCharsets.ISO_8859_1.newEncoder().canEncode(keyword)) {
      throw new IllegalArgumentException(
          "a PNG text keyword must be 1-79 Latin-1 characters, got '" + keyword + "'");
    }
    byte[] key = keyword.getBytes(StandardCharsets.ISO_8859_1);
    boolean latin1 =
        text.indexOf('\0') < 0 && StandardCharsets.ISO_8859_1.newEncoder().canEncode(text);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(key);
    data.write(0);
    if (latin1) {
      data.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
      chunk(out, "tEXt", data.toByteArray());
    } else {
      data.writeBytes(new byte[] {0, 0, 0, 0}); // uncompressed, no language, no translated keyword
      data.writeBytes(text.getBytes(StandardCharsets.UTF_8));
      chunk(out, "iTXt", data.toByteArray());
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] header = new byte[8];
    putInt(header, 0, data.length);
    byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(typeBytes, 0, header, 4, 4);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(header);
    out.writeBytes(data);
    byte[] trailer = new byte[4];
    putInt(trailer, 0, (int) crc.getValue());
    out.writeBytes(trailer);
  }

  private static void putInt(byte[] b, int pos, int v) {
    b[pos] = (byte) (v >>> 24);
    b[pos + 1] = (byte) (v >>> 16);
    b[pos + 2] = (byte) (v >>> 8);
    b[pos + 3] = (byte) v;
  }
}
