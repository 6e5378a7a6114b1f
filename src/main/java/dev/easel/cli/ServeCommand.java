package dev.easel.cli;

import dev.easel.api.ApiKeys;
import dev.easel.api.EaselServer;
import dev.easel.api.ModelDirectory;
import dev.easel.api.ModelPool;
import dev.easel.api.ServerOptions;
import dev.easel.config.Config;
import dev.easel.config.Settings;
import dev.easel.engine.BackgroundMatting;
import dev.easel.engine.ImageGenerator;
import dev.easel.engine.StableDiffusionLoader;
import dev.easel.hub.ModelLocator;
import dev.easel.model.ModelFolder;
import dev.easel.studio.Studio;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code easel serve}: runs the OpenAI-compatible HTTP server until SIGTERM or Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Serve the OpenAI Images API on HTTP.")
public final class ServeCommand implements java.util.concurrent.Callable<Integer> {
  /** Not a static field: picocli loads every subcommand before {@link Logging} is configured. */
  private static Logger log() {
    return LoggerFactory.getLogger(ServeCommand.class);
  }

  @CommandLine.ParentCommand EaselCommand root;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--host", paramLabel = "HOST", description = "Address to bind (server.host).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "Port to bind (server.port).")
  Integer port;

  @Option(
      names = "--model",
      paramLabel = "NAME|DIR",
      description = "A model to load (repeatable; replaces server.models).")
  List<String> models = new ArrayList<>();

  @Option(
      names = "--print-key-hash",
      paramLabel = "KEY",
      description =
          "Print the SHA-256 hash of KEY for server.api-key-hashes, then exit (the server is not"
              + " started).")
  String keyToHash;

  private final CountDownLatch started = new CountDownLatch(1);
  private volatile EaselServer server;

  @Override
  public Integer call() throws InterruptedException {
    if (keyToHash != null) {
      spec.commandLine().getOut().println(ApiKeys.hash(keyToHash));
      spec.commandLine().getOut().flush();
      return 0;
    }
    Config config = root.config();
    if (port != null && (port < 0 || port > 65535)) {
      throw new UsageException("--port must be between 0 and 65535, got " + port);
    }
    ServerOptions options = ServerOptions.from(config);
    String bindHost = host != null ? host : options.host();
    int bindPort = port != null ? port : options.port();
    if (options.apiKeyHashes().isEmpty() && !isLoopback(bindHost)) {
      log()
          .warn(
              "no API keys configured (server.api-key-hashes): binding to 127.0.0.1 instead of {}"
                  + " so that only this machine can connect",
              bindHost);
      bindHost = "127.0.0.1";
    }
    try {
      new ApiKeys(options.apiKeyHashes());
    } catch (IllegalArgumentException e) {
      throw new UsageException("server.api-key-hashes: " + e.getMessage());
    }
    BackgroundMatting matting = Engines.matting(config);
    List<String> specs = models.isEmpty() ? config.getList(Settings.SERVER_MODELS) : models;
    if (specs.isEmpty()) {
      specs = PullCommand.firstRunModel(config, spec.commandLine().getErr());
    }
    ModelDirectory directory = load(specs, config);
    EaselServer s =
        new EaselServer(
            options.withAddress(bindHost, bindPort), directory, matting, Clock.systemUTC());
    s.extend(Studio.create(config, options, directory));
    s.start();
    server = s;
    Thread hook = new Thread(s::stop, "easel-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    log().info("Easel serves the OpenAI Images API at {}/v1", s.baseUrl());
    log().info("Easel Studio: {}/", s.baseUrl());
    log()
        .info(
            directory.names().isEmpty()
                ? "no model loaded: image requests answer 503 until one is (--model NAME|DIR)"
                : "models: "
                    + String.join(", ", directory.names())
                    + (directory instanceof ModelPool
                        ? " (loaded on first use; in memory now: "
                            + String.join(", ", directory.loaded())
                            + ")"
                        : ""));
    if (matting != null) {
      log()
          .info(
              "background='transparent' removes backgrounds with {}",
              config.get(Settings.MATTING_MODEL));
    }
    log()
        .info(
            s.authenticationEnabled()
                ? "API keys required ({} configured)"
                : "authentication is off (no server.api-key-hashes): listening on loopback only",
            options.apiKeyHashes().size());
    started.countDown();
    try {
      s.awaitStop();
    } finally {
      s.stop();
      directory.close();
      if (matting != null) {
        matting.close();
      }
    }
    return 0;
  }

  /**
   * All models loaded now, or with {@code server.model-memory-mb} a pool that loads them on first
   * use (the first one now) within that budget.
   */
  private static ModelDirectory load(List<String> specs, Config config) {
    long budget = (long) config.getInt(Settings.SERVER_MODEL_MEMORY_MB) << 20;
    if (budget == 0) {
      List<ImageGenerator> loaded = new ArrayList<>();
      for (String m : specs) {
        try {
          loaded.add(Engines.load(ModelLocator.resolve(m, config), config));
        } catch (RuntimeException e) {
          loaded.forEach(ImageGenerator::close);
          throw cannotLoad(m, e);
        }
      }
      return ModelDirectory.of(loaded);
    }
    List<ModelPool.Candidate> candidates = new ArrayList<>();
    for (String m : specs) {
      try {
        Path dir = ModelLocator.resolve(m, config);
        candidates.add(
            new ModelPool.Candidate(
                ModelFolder.open(dir).name(),
                StableDiffusionLoader.capabilities(dir, Engines.options(config)),
                StableDiffusionLoader.weightBytes(dir),
                () -> Engines.load(dir, config)));
      } catch (RuntimeException e) {
        throw cannotLoad(m, e);
      }
    }
    ModelPool pool;
    try {
      pool = new ModelPool(candidates, budget);
    } catch (IllegalArgumentException e) {
      throw new UsageException(Settings.SERVER_MODEL_MEMORY_MB.key() + ": " + e.getMessage());
    }
    if (!candidates.isEmpty()) {
      try {
        pool.preload(candidates.get(0).name());
      } catch (RuntimeException e) {
        throw cannotLoad(specs.get(0), e);
      }
    }
    return pool;
  }

  private static UsageException cannotLoad(String spec, RuntimeException e) {
    return new UsageException("cannot load model '" + spec + "': " + e.getMessage());
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new UsageException("unknown host '" + host + "'");
    }
  }

  /** The running server once started (for tests that drive the command in-process). */
  EaselServer awaitServer() throws InterruptedException {
    started.await();
    return server;
  }
}
