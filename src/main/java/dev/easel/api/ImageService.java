package dev.easel.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.easel.engine.BackgroundMatting;
import dev.easel.engine.Cancellation;
import dev.easel.engine.GeneratedImage;
import dev.easel.engine.GenerationResult;
import dev.easel.engine.ImageGenerator;
import dev.easel.engine.ProgressListener;
import dev.easel.image.RgbaImage;
import dev.easel.store.SignedUrlStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The three image endpoints: read, validate, queue, generate, answer (JSON or SSE). */
final class ImageService {
  private static final Logger LOG = LoggerFactory.getLogger(ImageService.class);
  private static final long POLL_MILLIS = 200;
  private static final byte[] EVENT_END = {'\n', '\n'};

  private final ModelDirectory models;
  private final AliasMap aliases;
  private final ImageRequestReader reader;
  private final RateLimiter limiter;
  private final GenerationQueue queue;
  private final SignedUrlStore store;
  private final String publicUrl;
  private final long maxBodyBytes;
  private final long maxGenerationPixels;
  private final ImageUrls imageUrls;
  private final BackgroundMatting matting;
  private final Clock clock;

  /**
   * @param matting the background-removal model, or null when {@code transparent} is refused
   */
  ImageService(
      ServerOptions options,
      ModelDirectory models,
      BackgroundMatting matting,
      RateLimiter limiter,
      GenerationQueue queue,
      SignedUrlStore store,
      Clock clock) {
    this.models = models;
    this.aliases = options.aliases();
    this.imageUrls =
        new ImageUrls(
            options.fetchImageUrls(), ImageRequestReader.GPT_MAX_BYTES, ImageUrls.TIMEOUT);
    this.reader =
        new ImageRequestReader(models::names, options.maxInputPixels(), matting != null, imageUrls);
    this.matting = matting;
    this.limiter = limiter;
    this.queue = queue;
    this.store = store;
    this.publicUrl = options.publicUrl().replaceAll("/+$", "");
    this.maxBodyBytes = options.maxBodyBytes();
    this.maxGenerationPixels = options.maxGenerationPixels();
    this.clock = clock;
  }

  void handle(Context ctx, Endpoint endpoint, String caller) {
    ImageJob job = reader.read(endpoint, fields(ctx, endpoint));
    if (limiter.enabled()) {
      RateLimiter.Quota quota = limiter.acquire(caller, job.n());
      ctx.header("x-ratelimit-limit-images", Integer.toString(quota.limit()));
      ctx.header("x-ratelimit-remaining-images", Integer.toString(quota.remaining()));
      ctx.header("x-ratelimit-reset-images", goDuration(quota.resetMillis()));
      if (quota.retryAfterSeconds() > 0) {
        throw ApiException.throttled(
            ApiException.Kind.RATE_LIMITED,
            "Rate limit reached for images per minute: limit "
                + quota.limit()
                + ", remaining "
                + quota.remaining()
                + ", requested "
                + job.n()
                + ". Please try again in "
                + quota.retryAfterSeconds()
                + "s.",
            "rate_limit_exceeded",
            quota.retryAfterSeconds());
      }
    }
    ImageGenerator generator = generator(job);
    GenerationPlan plan = GenerationPlan.of(job, generator.capabilities(), maxGenerationPixels);
    try {
      generator.capabilities().check(plan.request());
    } catch (IllegalArgumentException e) {
      throw refused(e);
    }
    if (job.stream()) {
      stream(ctx, job, plan, generator);
    } else {
      respond(ctx, job, plan, generator);
    }
  }

  /** Generations are JSON, variations multipart, edits either (JSON for GPT image models). */
  private Fields fields(Context ctx, Endpoint endpoint) {
    String contentType = ctx.header("Content-Type");
    String media =
        contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    boolean json = media.equals("application/json");
    boolean accepted =
        switch (endpoint) {
          case GENERATIONS -> json;
          case EDITS -> json || media.equals("multipart/form-data");
          case VARIATIONS -> media.equals("multipart/form-data");
        };
    if (!accepted) {
      throw ApiException.invalid(
          "Invalid Content-Type header ("
              + (contentType == null ? "none" : contentType)
              + "), expected "
              + switch (endpoint) {
                case GENERATIONS -> "application/json";
                case EDITS -> "multipart/form-data or application/json";
                case VARIATIONS -> "multipart/form-data";
              }
              + ".",
          null,
          "invalid_content_type");
    }
    byte[] body = body(ctx);
    return json
        ? JsonFields.parse(body, imageUrls)
        : MultipartFields.parse(body, contentType, ImageRequestReader.FILE_FIELDS);
  }

  private byte[] body(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBodyBytes) {
      throw tooLarge(ctx);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (body.length > maxBodyBytes) {
        throw tooLarge(ctx);
      }
      return body;
    } catch (IOException e) {
      throw ApiException.invalid(
          "The request body could not be read completely (" + e.getClass().getSimpleName() + ").",
          null,
          null);
    }
  }

  /**
   * The 413, after reading what is left of a body up to a few times the limit: a client still
   * writing when the connection closes sees a broken pipe instead of the error.
   */
  private ApiException tooLarge(Context ctx) {
    try (InputStream in = ctx.req().getInputStream()) {
      long budget = 4 * maxBodyBytes;
      for (long skipped = 1; budget > 0 && skipped > 0; budget -= skipped) {
        skipped = in.skip(Math.min(budget, 1 << 20));
      }
    } catch (IOException e) {
      // the client went away: nobody reads the error either
    }
    return ApiException.of(
        ApiException.Kind.TOO_LARGE,
        "The request body is larger than this server's limit of "
            + maxBodyBytes / (1024 * 1024)
            + " MiB.",
        null,
        "request_too_large");
  }

  private ImageGenerator generator(ImageJob job) {
    String local =
        aliases
            .localModel(job, models)
            .orElseThrow(
                () ->
                    ApiException.of(
                        ApiException.Kind.UNAVAILABLE,
                        "No model is loaded on this server: start it with 'easel serve --model"
                            + " NAME|DIR'.",
                        null,
                        "no_model_loaded"));
    return models
        .get(local)
        .orElseThrow(
            () ->
                ApiException.of(
                    ApiException.Kind.UNAVAILABLE,
                    "The model '"
                        + job.model()
                        + "' maps to the local model '"
                        + local
                        + "', which is not loaded.",
                    "model",
                    "model_not_loaded"));
  }

  private void respond(Context ctx, ImageJob job, GenerationPlan plan, ImageGenerator generator) {
    planHeaders(ctx, plan);
    GenerationQueue.Ticket ticket = queue.submit(generator, plan.request(), ProgressListener.NONE);
    GenerationResult result = await(ctx, ticket);
    List<JsonNode> encoded = new ArrayList<>();
    List<GeneratedImage> images = new ArrayList<>();
    for (GeneratedImage generated : result.images()) {
      GeneratedImage image = new GeneratedImage(finish(plan, generated.image()), generated.seed());
      images.add(image);
      byte[] bytes = ImageOutput.encode(image, plan, generator.name(), result.sampler());
      encoded.add(
          job.responseFormat().equals("url")
              ? TextNode.valueOf(
                  baseUrl(ctx) + store.put(bytes, ImageOutput.extension(job.outputFormat())))
              : BinaryNode.valueOf(bytes));
    }
    timingHeaders(ctx, ticket);
    HttpResponses.json(
        ctx,
        200,
        ImageResponses.imagesResponse(
            job, plan, result.withImages(images), encoded, clock.instant().getEpochSecond()));
  }

  /** A generated image as the response has it: at the requested size, its background removed. */
  private RgbaImage finish(GenerationPlan plan, RgbaImage generated) {
    RgbaImage image = plan.toResponseSize(generated);
    return plan.job().transparent() ? matting.apply(image) : image;
  }

  /** Seeds and the size the model generates at, known before it runs (so streams carry them). */
  private static void planHeaders(Context ctx, GenerationPlan plan) {
    ctx.header(
        "x-easel-seeds",
        Arrays.stream(plan.seeds()).mapToObj(Long::toString).collect(Collectors.joining(",")));
    ctx.header("x-easel-generation-size", plan.generationWidth() + "x" + plan.generationHeight());
  }

  private static void timingHeaders(Context ctx, GenerationQueue.Ticket ticket) {
    ctx.header("x-easel-queue-ms", String.format(Locale.ROOT, "%.1f", ticket.queueMillis()));
    ctx.header(
        "x-easel-generation-ms", String.format(Locale.ROOT, "%.1f", ticket.generationMillis()));
  }

  private GenerationResult await(Context ctx, GenerationQueue.Ticket ticket) {
    while (true) {
      try {
        return ticket.result.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (ClientConnection.isGone(ctx)) {
          ticket.cancel();
          throw new ClientConnection.GoneException();
        }
      } catch (InterruptedException e) {
        ticket.cancel();
        Thread.currentThread().interrupt();
        throw new ClientConnection.GoneException();
      } catch (ExecutionException e) {
        throw generationFailure(e.getCause());
      }
    }
  }

  /**
   * The engine refused the request (400), its model could not load (503) or it failed (500);
   * cancellation means the client left.
   */
  private static RuntimeException generationFailure(Throwable cause) {
    if (cause instanceof Cancellation.CancelledException) {
      return new ClientConnection.GoneException();
    }
    if (cause instanceof ApiException api) {
      return api;
    }
    if (cause instanceof IllegalArgumentException e) {
      return refused(e);
    }
    LOG.error("generation failed", cause);
    return ApiException.of(
        ApiException.Kind.INTERNAL,
        "The model failed to generate the image: " + cause,
        null,
        "generation_failed");
  }

  /** A request the model cannot serve, in the engine's words. */
  private static ApiException refused(IllegalArgumentException e) {
    return ApiException.invalid(e.getMessage(), null, "invalid_value");
  }

  /** A preview from the worker thread, encoded later on the request's thread. */
  private record Preview(int index, RgbaImage image) {}

  private void stream(Context ctx, ImageJob job, GenerationPlan plan, ImageGenerator generator) {
    BlockingQueue<Preview> previews = new LinkedBlockingQueue<>();
    long created = clock.instant().getEpochSecond();
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void onPreview(int index, int previewNumber, RgbaImage preview) {
            previews.add(new Preview(index, preview));
          }
        };
    planHeaders(ctx, plan);
    GenerationQueue.Ticket ticket = queue.submit(generator, plan.request(), listener);
    HttpResponses.startEventStream(ctx);
    int[] partialsSent = new int[job.n()];
    try {
      OutputStream out = ctx.res().getOutputStream();
      while (!ticket.result.isDone() || !previews.isEmpty()) {
        Preview preview = previews.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (preview != null) {
          if (partialsSent[preview.index()] < job.partialImages()) {
            byte[] encoded =
                ImageOutput.encodePreview(plan.previewAtResponseSize(preview.image()), job);
            writeEvent(
                out,
                ImageResponses.partialEvent(
                    job, plan, encoded, partialsSent[preview.index()]++, created));
          }
        } else if (!ticket.result.isDone() && ClientConnection.isGone(ctx)) {
          throw new IOException("client disconnected");
        }
      }
      GenerationResult result;
      try {
        result = ticket.result.get();
      } catch (ExecutionException e) {
        throw generationFailure(e.getCause());
      }
      long inputImages = ImageResponses.inputImageTokens(job);
      for (int i = 0; i < result.images().size(); i++) {
        GeneratedImage generated = result.images().get(i);
        GeneratedImage image =
            new GeneratedImage(finish(plan, generated.image()), generated.seed());
        long output = ImageResponses.imageTokens(plan.width(), plan.height());
        ObjectNode usage =
            ImageResponses.usage(
                i == 0 ? result.promptTokens() : 0, i == 0 ? inputImages : 0, output, false);
        byte[] encoded = ImageOutput.encode(image, plan, generator.name(), result.sampler());
        writeEvent(out, ImageResponses.completedEvent(job, plan, encoded, image, usage, created));
      }
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      ticket.cancel();
      throw new ClientConnection.GoneException();
    } catch (InterruptedException e) {
      ticket.cancel();
      Thread.currentThread().interrupt();
      throw new ClientConnection.GoneException();
    }
  }

  private static void writeEvent(OutputStream out, ObjectNode event) throws IOException {
    out.write(
        ("event: " + event.get("type").asText() + "\ndata: ").getBytes(StandardCharsets.UTF_8));
    out.write(HttpResponses.bytes(event));
    out.write(EVENT_END);
    out.flush();
  }

  private String baseUrl(Context ctx) {
    if (!publicUrl.isEmpty()) {
      return publicUrl;
    }
    String host = ctx.header("Host");
    return ctx.scheme() + "://" + (host == null ? ctx.host() : host);
  }

  /** Go-style duration as in OpenAI's reset headers: {@code 6m0s}, {@code 12ms}. */
  static String goDuration(long millis) {
    if (millis < 1000) {
      return millis + "ms";
    }
    long seconds = Math.ceilDiv(millis, 1000);
    return seconds >= 60 ? seconds / 60 + "m" + seconds % 60 + "s" : seconds + "s";
  }
}
