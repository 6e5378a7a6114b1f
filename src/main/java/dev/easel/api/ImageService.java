package dev.easel.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Base64;
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

  private final ModelDirectory models;
  private final AliasMap aliases;
  private final ImageRequestReader reader;
  private final RateLimiter limiter;
  private final GenerationQueue queue;
  private final SignedUrlStore store;
  private final String publicUrl;
  private final long maxBodyBytes;
  private final Clock clock;

  ImageService(
      ServerOptions options,
      ModelDirectory models,
      RateLimiter limiter,
      GenerationQueue queue,
      SignedUrlStore store,
      Clock clock) {
    this.models = models;
    this.aliases = options.aliases();
    this.reader = new ImageRequestReader(models::names, options.maxInputPixels());
    this.limiter = limiter;
    this.queue = queue;
    this.store = store;
    this.publicUrl = options.publicUrl().replaceAll("/+$", "");
    this.maxBodyBytes = options.maxBodyBytes();
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
    GenerationPlan plan = GenerationPlan.of(job, generator.capabilities());
    if (job.stream()) {
      stream(ctx, job, plan, generator);
    } else {
      respond(ctx, job, plan, generator);
    }
  }

  private Fields fields(Context ctx, Endpoint endpoint) {
    String contentType = ctx.header("Content-Type");
    String media =
        contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    String expected = endpoint == Endpoint.GENERATIONS ? "application/json" : "multipart/form-data";
    if (!media.equals(expected)) {
      String hint =
          endpoint == Endpoint.EDITS && media.equals("application/json")
              ? " (Easel takes edits as multipart/form-data only)"
              : "";
      throw ApiException.invalid(
          "Invalid Content-Type header ("
              + (contentType == null ? "none" : contentType)
              + "), expected "
              + expected
              + hint
              + ".",
          null,
          "invalid_content_type");
    }
    byte[] body = body(ctx);
    return endpoint == Endpoint.GENERATIONS
        ? JsonFields.parse(body)
        : MultipartFields.parse(body, contentType, ImageRequestReader.FILE_FIELDS);
  }

  private byte[] body(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBodyBytes) {
      throw tooLarge();
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (body.length > maxBodyBytes) {
        throw tooLarge();
      }
      return body;
    } catch (IOException e) {
      throw ApiException.invalid(
          "The request body could not be read completely (" + e.getClass().getSimpleName() + ").",
          null,
          null);
    }
  }

  private ApiException tooLarge() {
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
    GenerationQueue.Ticket ticket = queue.submit(generator, plan.request(), ProgressListener.NONE);
    GenerationResult result = await(ctx, ticket);
    ImageCodec.Format format = job.outputFormat();
    List<String> encoded = new ArrayList<>();
    for (GeneratedImage image : result.images()) {
      byte[] bytes = ImageCodec.encode(image.image(), format, job.compression());
      encoded.add(
          job.responseFormat().equals("url")
              ? baseUrl(ctx) + store.put(bytes, format.extension())
              : Base64.getEncoder().encodeToString(bytes));
    }
    ctx.header("x-easel-seeds", seeds(result));
    HttpResponses.json(
        ctx,
        200,
        ImageResponses.imagesResponse(
            job, plan, result, encoded, clock.instant().getEpochSecond()));
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

  /** The engine refused the request (400) or failed (500); cancellation means the client left. */
  private static RuntimeException generationFailure(Throwable cause) {
    if (cause instanceof Cancellation.CancelledException) {
      return new ClientConnection.GoneException();
    }
    if (cause instanceof IllegalArgumentException) {
      return ApiException.invalid(cause.getMessage(), null, "invalid_value");
    }
    LOG.error("generation failed", cause);
    return ApiException.of(
        ApiException.Kind.INTERNAL,
        "The model failed to generate the image: " + cause,
        null,
        "generation_failed");
  }

  private void stream(Context ctx, ImageJob job, GenerationPlan plan, ImageGenerator generator) {
    BlockingQueue<ObjectNode> events = new LinkedBlockingQueue<>();
    long created = clock.instant().getEpochSecond();
    int[] partialsSent = new int[job.n()];
    ProgressListener previews =
        new ProgressListener() {
          @Override
          public void onPreview(int index, int previewNumber, RgbaImage preview) {
            if (index < partialsSent.length && partialsSent[index] < job.partialImages()) {
              String b64 = base64(preview, job);
              events.add(
                  ImageResponses.partialEvent(job, plan, b64, partialsSent[index]++, created));
            }
          }
        };
    GenerationQueue.Ticket ticket = queue.submit(generator, plan.request(), previews);
    HttpResponses.startEventStream(ctx);
    try {
      OutputStream out = ctx.res().getOutputStream();
      while (true) {
        ObjectNode event = events.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (event != null) {
          writeEvent(out, event);
        } else if (ticket.result.isDone()) {
          break;
        }
      }
      for (ObjectNode event : events) {
        writeEvent(out, event);
      }
      GenerationResult result;
      try {
        result = ticket.result.get();
      } catch (ExecutionException e) {
        throw generationFailure(e.getCause());
      }
      ctx.res().setHeader("x-easel-seeds", seeds(result));
      for (int i = 0; i < result.images().size(); i++) {
        GeneratedImage image = result.images().get(i);
        long text = i == 0 ? result.promptTokens() : 0;
        long inputImages = 0;
        if (i == 0) {
          for (RgbaImage in : job.images()) {
            inputImages += ImageResponses.imageTokens(in.width(), in.height());
          }
        }
        long output = ImageResponses.imageTokens(image.image().width(), image.image().height());
        ObjectNode usage = ImageResponses.usage(text, inputImages, output, false);
        writeEvent(
            out,
            ImageResponses.completedEvent(
                job, plan, base64(image.image(), job), image, usage, created));
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
    String text = "event: " + event.get("type").asText() + "\ndata: " + event + "\n\n";
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String base64(RgbaImage image, ImageJob job) {
    return Base64.getEncoder()
        .encodeToString(ImageCodec.encode(image, job.outputFormat(), job.compression()));
  }

  private static String seeds(GenerationResult result) {
    return result.images().stream()
        .map(i -> Long.toString(i.seed()))
        .collect(Collectors.joining(","));
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
