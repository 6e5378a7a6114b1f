package dev.easel.image;

import dev.easel.testing.SharedAssets;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Encoding speed at 1024×1024. Run with {@code mvn -B -q -Dformat.skip=true test
 * -Dtest=CodecBenchmark -Dsurefire.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class CodecBenchmark {
  @Test
  void encodeAndDecode1024() throws IOException {
    RgbaImage astronaut =
        ImageDecoder.decode(Files.readAllBytes(SharedAssets.require("images/astronaut.png")))
            .image();
    measure("astronaut upscaled", Resize.resize(astronaut, 1024, 1024, Resize.Filter.LANCZOS));
    measure("synthetic with noise", TestImages.photoLike(1024, 1024, 42));
  }

  private static void measure(String name, RgbaImage image) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (OutputFormat format : OutputFormat.values()) {
      byte[] bytes = new byte[0];
      for (int i = 0; i < 10; i++) {
        bytes = ImageEncoder.encode(image, format, 90, Map.of("parameters", "benchmark"));
      }
      int runs = 20;
      long wall = System.nanoTime();
      long cpu = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < runs; i++) {
        bytes = ImageEncoder.encode(image, format, 90, Map.of("parameters", "benchmark"));
      }
      double encodeCpu = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / runs;
      double encodeWall = (System.nanoTime() - wall) / 1e6 / runs;
      wall = System.nanoTime();
      cpu = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < runs; i++) {
        ImageDecoder.decode(bytes);
      }
      double decodeCpu = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / runs;
      double decodeWall = (System.nanoTime() - wall) / 1e6 / runs;
      System.out.printf(
          "%s, %s 1024x1024: encode %.1f ms CPU (%.1f wall), decode %.1f ms CPU (%.1f wall),"
              + " %d bytes%n",
          name, format, encodeCpu, encodeWall, decodeCpu, decodeWall, bytes.length);
    }
  }
}
