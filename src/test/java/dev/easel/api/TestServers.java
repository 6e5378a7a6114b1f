package dev.easel.api;

import dev.easel.config.Config;
import dev.easel.engine.BackgroundMatting;
import dev.easel.engine.ImageGenerator;
import dev.easel.engine.StableDiffusionPipeline;
import dev.easel.engine.TinyModels;
import dev.easel.model.Architecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts real servers on a random loopback port for tests. {@link #withTinyModel} serves the real
 * tiny random-weight pipeline ({@link TinyModels}, loaded once per test JVM); {@link
 * #withoutModels} serves none, which is enough for every validation, auth and plumbing test.
 */
public final class TestServers {
  /**
   * The tiny model generates at most 64×64 pixels in tests (larger sizes are upscaled), which keeps
   * a generation around a tenth of a second; its reported native size is 16 px.
   */
  static final String TINY_GENERATION_PIXELS = Integer.toString(64 * 64);

  private static StableDiffusionPipeline tiny;

  private TestServers() {}

  /** The shared tiny pipeline (never closed: it lives as long as the test JVM). */
  static synchronized StableDiffusionPipeline tinyModel() {
    if (tiny == null) {
      tiny = TinyModels.load(Architecture.TINY, false);
    }
    return tiny;
  }

  /**
   * A server with the tiny model loaded, generating at most 64×64 unless settings say otherwise.
   */
  public static Running withTinyModel(Map<String, String> settings) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("server.max-generation-pixels", TINY_GENERATION_PIXELS);
    flags.putAll(settings);
    return withModels(List.of(tinyModel()), flags);
  }

  /** A running server, its clock and its base URL; close it to stop it. */
  public record Running(EaselServer server, TestClock clock, Path storeDir, ServerOptions options)
      implements AutoCloseable {
    public String url(String path) {
      return server.baseUrl() + path;
    }

    @Override
    public void close() {
      server.stop();
    }
  }

  public static Running withoutModels(Map<String, String> settings) {
    return withModels(List.of(), settings);
  }

  /**
   * @param generators real loaded models (never fakes)
   * @param settings configuration keys on top of the test defaults
   */
  public static Running withModels(List<ImageGenerator> generators, Map<String, String> settings) {
    return withDirectory(ModelDirectory.of(generators), settings);
  }

  /** A server for the given models (a fixed directory or a {@link ModelPool}). */
  public static Running withDirectory(ModelDirectory models, Map<String, String> settings) {
    return start(models, null, settings);
  }

  /** The tiny model's server with a background-removal model for {@code transparent}. */
  public static Running withMatting(BackgroundMatting matting) {
    return start(
        ModelDirectory.of(List.of(tinyModel())),
        matting,
        Map.of("server.max-generation-pixels", TINY_GENERATION_PIXELS));
  }

  private static Running start(
      ModelDirectory models, BackgroundMatting matting, Map<String, String> settings) {
    Path store;
    try {
      store = Files.createTempDirectory("easel-test-store");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("server.host", "127.0.0.1");
    flags.put("server.port", "0");
    flags.put("store.dir", store.toString());
    flags.put("store.url-secret", EaselServer.randomSecret());
    flags.put("server.shutdown-timeout-seconds", "10");
    flags.putAll(settings);
    ServerOptions options = ServerOptions.from(Config.load(null, Map.of(), flags));
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    EaselServer server = new EaselServer(options, models, matting, clock).start();
    return new Running(server, clock, store, options);
  }
}
