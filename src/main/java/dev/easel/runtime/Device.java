package dev.easel.runtime;

import java.util.Locale;

/** Where ONNX Runtime executes a graph. */
public enum Device {
  CPU,
  CUDA;

  public static Device parse(String s) {
    return valueOf(s.trim().toUpperCase(Locale.ROOT));
  }
}
