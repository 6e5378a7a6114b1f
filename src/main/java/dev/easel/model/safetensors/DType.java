package dev.easel.model.safetensors;

import java.util.Locale;

/** Element types found in safetensors files, with their size in bytes. */
public enum DType {
  F64(8),
  F32(4),
  F16(2),
  BF16(2),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U8(1),
  BOOL(1);

  private final int size;

  DType(int size) {
    this.size = size;
  }

  public int size() {
    return size;
  }

  public boolean isFloatingPoint() {
    return this == F64 || this == F32 || this == F16 || this == BF16;
  }

  /** The safetensors spelling ({@code "F16"}, {@code "BF16"}, …); null when unknown. */
  public static DType parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
