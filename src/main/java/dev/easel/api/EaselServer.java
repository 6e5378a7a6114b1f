package dev.easel.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.engine.BackgroundMatting;
import dev.easel.image.OutputFormat;
import dev.easel.store.SignedUrlStore;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Easel's HTTP server: the OpenAI Images API, {@code /v1/models}, {@code /health}, {@code /metrics}
 * and the signed image URLs. Build it with its options, the loaded models and a clock, then {@link
 * #start()}; {@link #stop()} drains it gracefully.
 */
public final class EaselServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EaselServer.class);
  private static final String CALLER = "easel.caller";
  private static final Set<String> ROUTES =
      Set.of(
          "/v1/images/generations",
          "/v1/images/edits",
          "/v1/images/variations",
          "/v1/models",
          "/health",
          "/health/ready",
          "/metrics");

  private final ServerOptions options;
  private final ModelDirectory models;
  private final Clock clock;
  private final ApiKeys keys;
  private final Metrics metrics = new Metrics();
  private final GenerationQueue queue;
  private final SignedUrlStore store;
  private final ImageService images;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ScheduledExecutorService sweeper;
  private final long startedAt;
  private final java.util.concurrent.CountDownLatch stopped =
      new java.util.concurrent.CountDownLatch(1);
  private final List<Consumer<RoutesConfig>> extensions = new java.util.ArrayList<>();
  private volatile boolean draining;
  private Javalin app;

  /**
   * Counts requests until their response is written: the in-flight count ends when the handler
   * returns, before Javalin writes the result.
   */
  private final GracefulHandler graceful = new GracefulHandler();

  /**
   * @param options address, limits, keys, aliases and storage
   * @param models the models served (may be empty: image requests then get 503)
   * @param clock time for URL expiry, rate limits and {@code created}
   */
  public EaselServer(ServerOptions options, ModelDirectory models, Clock clock) {
    this(options, models, null, clock);
  }

  /**
   * @param matting the background-removal model for {@code background: transparent}, or null
   */
  public EaselServer(
      ServerOptions options, ModelDirectory models, BackgroundMatting matting, Clock clock) {
    this.options = options;
    this.models = models;
    this.clock = clock;
    this.keys = new ApiKeys(options.apiKeyHashes());
    this.queue = new GenerationQueue(options.queueSize(), options.generationNice(), metrics);
    metrics.models(models);
    this.store =
        new SignedUrlStore(options.storeDir(), options.urlSecret(), options.urlTtl(), clock);
    this.images =
        new ImageService(
            options,
            models,
            matting,
            new RateLimiter(options.imagesPerMinute(), clock),
            queue,
            store,
            clock);
    this.startedAt = clock.instant().getEpochSecond();
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "easel-store-sweeper");
              t.setDaemon(true);
              return t;
            });
  }

  /** A random 32-byte URL signing key, as hex (for tests and one-off servers). */
  public static String randomSecret() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return HexFormat.of().formatHex(key);
  }

  /**
   * Adds routes beside the API (Easel Studio adds its page and history); call before {@link
   * #start()}. Their failures go through the same error mapping as the API's.
   */
  public synchronized EaselServer extend(Consumer<RoutesConfig> routes) {
    extensions.add(routes);
    return this;
  }

  public synchronized EaselServer start() {
    app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.jetty.modifyServer(
                  server -> {
                    server.setHandler(graceful);
                    server.setErrorHandler(new JsonErrorHandler());
                  });
              cfg.jetty.host = options.host();
              cfg.jetty.port = options.port();
              cfg.http.maxRequestSize = options.maxBodyBytes();
              cfg.http.prefer405over404 = true;
              cfg.routes.before(this::before);
              cfg.routes.post(Endpoint.GENERATIONS.path, ctx -> image(ctx, Endpoint.GENERATIONS));
              cfg.routes.post(Endpoint.EDITS.path, ctx -> image(ctx, Endpoint.EDITS));
              cfg.routes.post(Endpoint.VARIATIONS.path, ctx -> image(ctx, Endpoint.VARIATIONS));
              cfg.routes.get("/v1/models", this::listModels);
              cfg.routes.get("/v1/models/{model}", this::getModel);
              cfg.routes.get("/health", ctx -> health(ctx, false));
              cfg.routes.get("/health/ready", ctx -> health(ctx, true));
              cfg.routes.get("/metrics", this::metrics);
              cfg.routes.get("/files/{name}", this::file);
              extensions.forEach(e -> e.accept(cfg.routes));
              cfg.routes.exception(Exception.class, HttpResponses::failure);
              cfg.routes.error(404, ctx -> unmatched(ctx, 404, "Not found"));
              cfg.routes.error(405, ctx -> unmatched(ctx, 405, "Method not allowed"));
              cfg.routes.after(this::after);
            });
    app.start();
    long sweepSeconds = Math.max(1, Math.min(300, options.urlTtl().toSeconds() / 4));
    sweeper.scheduleWithFixedDelay(this::sweep, sweepSeconds, sweepSeconds, TimeUnit.SECONDS);
    return this;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return app.port();
  }

  public String baseUrl() {
    String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    return "http://" + host + ":" + port();
  }

  public boolean authenticationEnabled() {
    return keys.enabled();
  }

  /**
   * Graceful stop: new requests get 503, requests in flight finish (up to the shutdown timeout),
   * then the server and the worker stop.
   */
  public void stop() {
    synchronized (this) {
      if (draining) {
        return;
      }
      draining = true;
    }
    long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (app != null) {
      awaitResponsesWritten(deadline);
      app.stop();
    }
    sweeper.shutdownNow();
    queue.close();
    LOG.info("stopped");
    stopped.countDown();
  }

  private void awaitResponsesWritten(long deadline) {
    try {
      graceful.shutdown().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("stopping with responses still being written: {}", e.toString());
    }
  }

  /** Blocks until {@link #stop()} has finished. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    stop();
  }

  /** Requests being handled now. */
  public int inFlight() {
    return inFlight.get();
  }

  private void before(Context ctx) {
    ctx.attribute(HttpResponses.STARTED, System.nanoTime());
    ctx.header("x-request-id", HttpResponses.newRequestId());
    if (draining) {
      throw ApiException.shuttingDown();
    }
    if (ctx.path().startsWith("/v1/")) {
      ctx.attribute(CALLER, keys.authenticate(ctx.header("Authorization")));
    }
  }

  private void after(Context ctx) {
    Long started = ctx.attribute(HttpResponses.STARTED);
    if (started != null) {
      String path = ctx.path();
      String route =
          ROUTES.contains(path)
              ? path
              : path.startsWith("/files/")
                  ? "/files"
                  : path.startsWith("/v1/models/") ? "/v1/models/{model}" : "other";
      metrics.request(route, ctx.statusCode(), System.nanoTime() - started);
    }
  }

  private void image(Context ctx, Endpoint endpoint) {
    inFlight.incrementAndGet();
    try {
      images.handle(ctx, endpoint, ctx.attribute(CALLER));
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void unmatched(Context ctx, int status, String what) {
    if (ctx.attribute(HttpResponses.WRITTEN) != null) {
      return;
    }
    HttpResponses.json(
        ctx,
        status,
        ImageResponses.error(
            ApiException.of(
                ApiException.Kind.NOT_FOUND,
                what + ": " + ctx.method() + " " + ctx.path(),
                null,
                status == 404 ? "unknown_url" : "method_not_allowed")));
  }

  private List<String> servedIds() {
    List<String> ids = new java.util.ArrayList<>(models.names());
    if (!models.names().isEmpty()) {
      for (ModelRules rules : ModelRules.values()) {
        if (rules != ModelRules.LOCAL
            && options
                .aliases()
                .localModel(rules, models)
                .filter(models.names()::contains)
                .isPresent()) {
          ids.addAll(rules.ids());
        }
      }
    }
    return ids;
  }

  private ObjectNode modelObject(String id) {
    ObjectNode m = ImageResponses.JSON.createObjectNode();
    m.put("id", id);
    m.put("object", "model");
    m.put("created", startedAt);
    m.put("owned_by", "easel");
    return m;
  }

  private void listModels(Context ctx) {
    ObjectNode body = ImageResponses.JSON.createObjectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    servedIds().forEach(id -> data.add(modelObject(id)));
    HttpResponses.json(ctx, 200, body);
  }

  private void getModel(Context ctx) {
    String id = ctx.pathParam("model");
    if (!servedIds().contains(id)) {
      throw ApiException.of(
          ApiException.Kind.NOT_FOUND,
          "The model '" + id + "' does not exist",
          "model",
          "model_not_found");
    }
    HttpResponses.json(ctx, 200, modelObject(id));
  }

  private void health(Context ctx, boolean readiness) {
    boolean ready = !models.names().isEmpty() && !draining;
    ObjectNode body = ImageResponses.JSON.createObjectNode();
    body.put("status", draining ? "draining" : ready ? "ok" : "no_model_loaded");
    body.put("live", true);
    body.put("ready", ready);
    ArrayNode loaded = body.putArray("models");
    models.loaded().forEach(loaded::add);
    ArrayNode available = body.putArray("available");
    models.names().forEach(available::add);
    body.put("queue_depth", queue.depth());
    HttpResponses.json(ctx, readiness && !ready ? 503 : 200, body);
  }

  private void metrics(Context ctx) {
    ctx.attribute(HttpResponses.WRITTEN, Boolean.TRUE);
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
    ctx.result(metrics.render());
  }

  private void file(Context ctx) {
    Path file;
    try {
      file =
          store.open(ctx.pathParam("name"), ctx.queryParam("expires"), ctx.queryParam("signature"));
    } catch (SignedUrlStore.RejectedException e) {
      throw ApiException.of(
          e.rejection() == SignedUrlStore.Rejection.EXPIRED
              ? ApiException.Kind.GONE
              : ApiException.Kind.NOT_FOUND,
          e.getMessage(),
          null,
          e.rejection() == SignedUrlStore.Rejection.EXPIRED ? "url_expired" : "file_not_found");
    }
    String name = file.getFileName().toString();
    String type =
        (name.endsWith(".png")
                ? OutputFormat.PNG
                : name.endsWith(".jpg") ? OutputFormat.JPEG : OutputFormat.WEBP)
            .mimeType();
    ctx.attribute(HttpResponses.WRITTEN, Boolean.TRUE);
    ctx.contentType(type);
    ctx.header("Cache-Control", "private, max-age=" + options.urlTtl().toSeconds());
    try {
      ctx.result(Files.readAllBytes(file));
    } catch (IOException e) {
      throw ApiException.of(
          ApiException.Kind.GONE, "This file is no longer available.", null, "url_expired");
    }
  }

  private void sweep() {
    try {
      int deleted = store.deleteExpired();
      if (deleted > 0) {
        LOG.debug("deleted {} expired images", deleted);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not delete expired images: {}", e.getMessage());
    }
  }

  /** Deletes expired files now (the server also does it periodically). */
  public int deleteExpiredFiles() {
    return store.deleteExpired();
  }
}
