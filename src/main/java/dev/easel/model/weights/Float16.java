package dev.easel.model.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/** Conversions between float32 and the 16-bit formats weights are shipped in. */
public final class Float16 {
  private Float16() {}

  /** IEEE half (F16) or bfloat16 (BF16) little-endian bytes → a new direct float32 buffer. */
  public static ByteBuffer toFloat32(ByteBuffer src, boolean bfloat16) {
    ShortBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    int n = in.remaining();
    ByteBuffer dst = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer out = dst.asFloatBuffer();
    if (bfloat16) {
      for (int i = 0; i < n; i++) {
        out.put(i, Float.intBitsToFloat((in.get(i) & 0xffff) << 16));
      }
    } else {
      for (int i = 0; i < n; i++) {
        out.put(i, Float.float16ToFloat(in.get(i)));
      }
    }
    return dst;
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
