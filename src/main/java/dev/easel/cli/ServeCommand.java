package dev.easel.cli;

import dev.easel.api.ApiKeys;
import dev.easel.api.EaselServer;
import dev.easel.api.ModelDirectory;
import dev.easel.api.ModelLoader;
import dev.easel.api.ServerOptions;
import dev.easel.config.Config;
import dev.easel.config.Settings;
import dev.easel.engine.ImageGenerator;
import dev.easel.hub.ModelLocator;
import dev.easel.studio.Studio;
import java.net.InetAddress;
import java.net.UnknownHostException;
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

  /** Loads the models named by --model: a folder, or a name under models.dir. */
  static final ModelLoader ENGINE =
      (spec, config) -> Engines.load(ModelLocator.resolve(spec, config), config);

  private final ModelLoader loader;

  private final CountDownLatch started = new CountDownLatch(1);
  private volatile EaselServer server;

  public ServeCommand() {
    this(ENGINE);
  }

  public ServeCommand(ModelLoader loader) {
    this.loader = loader;
  }

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
    List<String> specs = models.isEmpty() ? config.getList(Settings.SERVER_MODELS) : models;
    if (specs.isEmpty() && loader == ENGINE) {
      specs = PullCommand.firstRunModel(config, spec.commandLine().getErr());
    }
    List<ImageGenerator> loaded = load(specs, config);
    ModelDirectory directory = ModelDirectory.of(loaded);
    EaselServer s =
        new EaselServer(options.withAddress(bindHost, bindPort), directory, Clock.systemUTC());
    s.extend(Studio.create(config, options, directory));
    s.start();
    server = s;
    Thread hook = new Thread(s::stop, "easel-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    log().info("Easel serves the OpenAI Images API at {}/v1", s.baseUrl());
    log().info("Easel Studio: {}/", s.baseUrl());
    log()
        .info(
            loaded.isEmpty()
                ? "no model loaded: image requests answer 503 until one is (--model NAME|DIR)"
                : "models: "
                    + String.join(", ", loaded.stream().map(ImageGenerator::name).toList()));
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
      loaded.forEach(ImageGenerator::close);
    }
    return 0;
  }

  private List<ImageGenerator> load(List<String> specs, Config config) {
    List<ImageGenerator> loaded = new ArrayList<>();
    if (loader == ModelLoader.NONE) {
      specs.forEach(
          m -> log().warn("cannot load model '{}': this build has no diffusion engine", m));
      return loaded;
    }
    for (String m : specs) {
      try {
        loaded.add(loader.load(m, config));
      } catch (Exception e) {
        loaded.forEach(ImageGenerator::close);
        throw new UsageException("cannot load model '" + m + "': " + e.getMessage());
      }
    }
    return loaded;
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
