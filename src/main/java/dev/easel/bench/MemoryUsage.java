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

  /** Starts a new peak: the next {@link #peakResidentBytes} counts from the current size. */
  public static void resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | RuntimeException e) {
      // not Linux, or not permitted: the peak then covers the whole process
    }
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
