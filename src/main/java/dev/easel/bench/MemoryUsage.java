package dev.easel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory as Linux reports it (0 elsewhere). */
public final class MemoryUsage {
  private MemoryUsage() {}

  /** Peak resident set size (VmHWM) in bytes. */
  public static long peakResidentBytes() {
    return statusField("VmHWM:");
  }

  /** Current resident set size (VmRSS) in bytes. */
  public static long residentBytes() {
    return statusField("VmRSS:");
  }

  private static long statusField(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
