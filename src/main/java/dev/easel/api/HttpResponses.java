package dev.easel.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every response the API sends, so the common headers (Content-Type, x-request-id,
 * openai-processing-ms, openai-version) are set in one place, and maps every failure to HTTP: an
 * {@link ApiException} to its status and OpenAI envelope, anything else to a 500.
 */
final class HttpResponses {
  private static final Logger LOG = LoggerFactory.getLogger(HttpResponses.class);
  static final String STARTED = "easel.started";
  static final String WRITTEN = "easel.written";
  static final String OPENAI_VERSION = "2020-10-01";

  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpResponses() {}

  /** A new {@code x-request-id} value. */
  static String newRequestId() {
    byte[] b = new byte[16];
    ThreadLocalRandom.current().nextBytes(b);
    return "req_" + HexFormat.of().formatHex(b);
  }

  /** The UTF-8 JSON of a body or event, written without an intermediate string. */
  static byte[] bytes(JsonNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write a JSON tree", e);
    }
  }

  static void json(Context ctx, int status, JsonNode body) {
    common(ctx);
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(bytes(body));
  }

  static void startEventStream(Context ctx) {
    common(ctx);
    ctx.status(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setHeader("Cache-Control", "no-cache");
    try {
      ctx.res().flushBuffer();
    } catch (IOException e) {
      throw new ClientConnection.GoneException();
    }
  }

  private static void common(Context ctx) {
    ctx.attribute(WRITTEN, Boolean.TRUE);
    Long started = ctx.attribute(STARTED);
    if (started != null) {
      ctx.header("openai-processing-ms", Long.toString((System.nanoTime() - started) / 1_000_000));
    }
    ctx.header("openai-version", OPENAI_VERSION);
  }

  /** The single mapping of failures to responses. */
  static void failure(Exception e, Context ctx) {
    if (e instanceof ClientConnection.GoneException) {
      LOG.debug("client disconnected; its generation was cancelled");
      return;
    }
    ApiException api;
    if (e instanceof ApiException a) {
      api = a;
    } else {
      LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
      api =
          ApiException.of(
              ApiException.Kind.INTERNAL,
              "The server had an error while processing your request.",
              null,
              null);
    }
    if (ctx.res().isCommitted()) {
      writeStreamError(ctx, api);
      return;
    }
    if ("no_model_loaded".equals(api.code())) {
      ctx.header("x-should-retry", "false");
    }
    if (api.retryAfterSeconds() > 0) {
      ctx.header("Retry-After", Long.toString(api.retryAfterSeconds()));
    }
    json(ctx, api.status(), ImageResponses.error(api));
  }

  private static void writeStreamError(Context ctx, ApiException api) {
    try {
      String text = "event: error\ndata: " + ImageResponses.error(api) + "\n\n";
      ctx.res().getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      ctx.res().flushBuffer();
    } catch (IOException | RuntimeException ignored) {
      LOG.debug("could not send the error event: the client is gone");
    }
  }
}
