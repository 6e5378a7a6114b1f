package dev.easel.model.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.stream.IntStream;

/** Conversions between float32 and the 16-bit formats weights are shipped in. */
public final class Float16 {
  private Float16() {}

  private static final int CHUNK = 1 << 20;
  private static final ThreadLocal<ByteBuffer> STAGING =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK * 2));

  /** Fills {@code dst} with the source's bytes starting at byte {@code offset}. */
  @FunctionalInterface
  public interface Source {
    void read(long offset, ByteBuffer dst);
  }

  /**
   * {@code count} 16-bit values read from {@code source} → a new direct float32 buffer. Converted
   * on all cores in chunks, each staged through a small per-thread buffer, so the source's pages
   * are neither mapped nor copied whole.
   */
  public static ByteBuffer toFloat32(long count, Source source, boolean bfloat16) {
    if (count > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException(count + " values do not fit one float32 buffer");
    }
    int n = (int) count;
    ByteBuffer dst = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer out = dst.asFloatBuffer();
    IntStream.range(0, (n + CHUNK - 1) / CHUNK)
        .parallel()
        .forEach(
            c -> {
              int from = c * CHUNK;
              int to = Math.min(n, from + CHUNK);
              ByteBuffer staged = STAGING.get().clear().limit((to - from) * 2);
              source.read(from * 2L, staged);
              ShortBuffer in = staged.flip().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
              convert(in, out, from, to - from, bfloat16);
            });
    return dst;
  }

  private static void convert(ShortBuffer in, FloatBuffer out, int at, int n, boolean bf16) {
    if (bf16) {
      for (int i = 0; i < n; i++) {
        out.put(at + i, Float.intBitsToFloat((in.get(i) & 0xffff) << 16));
      }
    } else {
      for (int i = 0; i < n; i++) {
        out.put(at + i, Float.float16ToFloat(in.get(i)));
      }
    }
  }

  /** float32 → IEEE half, little-endian bytes (round to nearest even). */
  public static ByteBuffer toFloat16(ByteBuffer float32) {
    FloatBuffer in = float32.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    int n = in.remaining();
    ByteBuffer dst = ByteBuffer.allocateDirect(n * 2).order(ByteOrder.LITTLE_ENDIAN);
    ShortBuffer out = dst.asShortBuffer();
    for (int i = 0; i < n; i++) {
      out.put(i, Float.floatToFloat16(in.get(i)));
    }
    return dst;
  }
}
