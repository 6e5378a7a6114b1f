package dev.easel.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Reads the chunk structure of a PNG file without decoding its pixels. */
public final class PngChunks {
  private static final int SIGNATURE_LENGTH = 8;
  private static final int MAX_TEXT_BYTES = 1 << 20;

  private PngChunks() {}

  /** One chunk: its four-letter type and where its data lies in the file. */
  record Chunk(String type, int offset, int length) {}

  /**
   * The chunks from the signature up to and including {@code IEND}.
   *
   * @throws ImageFormatException {@code CORRUPT} when a chunk runs past the end of the data or
   *     {@code IHDR} is not first or {@code IEND} is missing (truncated file)
   */
  static List<Chunk> walk(byte[] png) {
    List<Chunk> chunks = new ArrayList<>();
    int pos = SIGNATURE_LENGTH;
    while (true) {
      if (pos + 8 > png.length) {
        throw corrupt("the PNG data is truncated (no IEND chunk)");
      }
      long length = readInt(png, pos) & 0xffffffffL;
      String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
      if (length > png.length - pos - 12L) {
        throw corrupt("the PNG data is truncated inside its " + type + " chunk");
      }
      if (chunks.isEmpty() && !type.equals("IHDR")) {
        throw corrupt("the PNG data does not start with an IHDR chunk");
      }
      chunks.add(new Chunk(type, pos + 8, (int) length));
      if (type.equals("IEND")) {
        return chunks;
      }
      pos += 12 + (int) length;
    }
  }

  /**
   * The text chunks ({@code tEXt}, {@code zTXt}, {@code iTXt}) of a PNG file, keyword → text, in
   * file order. Compressed text is inflated up to 1 MiB per chunk.
   */
  public static Map<String, String> textChunks(byte[] png) {
    ImageFormat.detectPng(png);
    Map<String, String> text = new LinkedHashMap<>();
    for (Chunk c : walk(png)) {
      switch (c.type()) {
        case "tEXt" -> {
          int nul = indexOfNul(png, c.offset(), c.offset() + c.length());
          text.put(latin1(png, c.offset(), nul), latin1(png, nul + 1, c.offset() + c.length()));
        }
        case "zTXt" -> {
          int nul = indexOfNul(png, c.offset(), c.offset() + c.length());
          byte[] inflated = inflate(png, nul + 2, c.offset() + c.length());
          text.put(latin1(png, c.offset(), nul), new String(inflated, StandardCharsets.ISO_8859_1));
        }
        case "iTXt" -> {
          int end = c.offset() + c.length();
          int nul = indexOfNul(png, c.offset(), end);
          boolean compressed = png[nul + 1] != 0;
          int languageEnd = indexOfNul(png, nul + 3, end);
          int translatedEnd = indexOfNul(png, languageEnd + 1, end);
          byte[] value =
              compressed
                  ? inflate(png, translatedEnd + 1, end)
                  : Arrays.copyOfRange(png, translatedEnd + 1, end);
          text.put(latin1(png, c.offset(), nul), new String(value, StandardCharsets.UTF_8));
        }
        default -> {}
      }
    }
    return text;
  }

  static int readInt(byte[] b, int pos) {
    return ((b[pos] & 0xff) << 24)
        | ((b[pos + 1] & 0xff) << 16)
        | ((b[pos + 2] & 0xff) << 8)
        | (b[pos + 3] & 0xff);
  }

  private static int indexOfNul(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    throw corrupt("a PNG text chunk lacks its keyword terminator");
  }

  private static String latin1(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static byte[] inflate(byte[] b, int from, int to) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(b, from, to - from);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw corrupt("a compressed PNG text chunk is truncated");
        }
        out.write(buffer, 0, n);
        if (out.size() > MAX_TEXT_BYTES) {
          throw new ImageFormatException(
              ImageFormatException.Reason.TOO_LARGE,
              "a compressed PNG text chunk inflates to more than " + MAX_TEXT_BYTES + " bytes");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new ImageFormatException(
          ImageFormatException.Reason.CORRUPT, "a compressed PNG text chunk is damaged", e);
    } finally {
      inflater.end();
    }
  }

  private static ImageFormatException corrupt(String message) {
    return new ImageFormatException(ImageFormatException.Reason.CORRUPT, message);
  }
}
