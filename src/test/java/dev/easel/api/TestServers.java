package dev.easel.api;

import dev.easel.config.Config;
import dev.easel.engine.ImageGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts real servers on a random loopback port for tests. {@link #withModels} is the one place
 * that takes real generators (the tiny pipeline, once the engine lands); {@link #withoutModels}
 * serves none, which is enough for every validation, auth and plumbing test.
 */
public final class TestServers {
  private TestServers() {}

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
    EaselServer server = new EaselServer(options, ModelDirectory.of(generators), clock).start();
    return new Running(server, clock, store, options);
  }
}
