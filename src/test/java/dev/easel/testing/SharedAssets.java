package dev.easel.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds {@code ../shared/assets} (real weights and photos kept beside the repository). Tests that
 * need it call {@link #require(String)}, which skips the test with a clear message when it is
 * absent.
 */
public final class SharedAssets {
  private SharedAssets() {}

  public static Path root() {
    String dir = System.getProperty("easel.shared.dir");
    if (dir == null) {
      dir = System.getenv().getOrDefault("EASEL_SHARED_DIR", "../shared");
    }
    return Path.of(dir).toAbsolutePath().normalize().resolve("assets");
  }

  /** The asset at {@code relative} (e.g. {@code "clip/vocab.json"}); skips the test when absent. */
  public static Path require(String relative) {
    Path p = root().resolve(relative);
    assumeTrue(
        Files.exists(p),
        () ->
            "skipped: "
                + p
                + " is absent (clone the project with ../shared beside it, or set"
                + " EASEL_SHARED_DIR, to run the tests that use real weights and images)");
    return p;
  }
}
