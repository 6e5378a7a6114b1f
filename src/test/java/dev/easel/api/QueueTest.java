package dev.easel.api;

import static dev.easel.api.ApiErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.testing.ThreadNiceness;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The generation queue under load with the real tiny pipeline: a full queue is a 429, a client that
 * hangs up cancels its generation, and a stopping server finishes the generation in flight.
 */
class QueueTest {
  /**
   * 50 steps at 64×64 (two passes on the tiny model, whose native size is 16): long enough to be
   * caught running, about a second.
   */
  static final String SLOW =
      "{\"prompt\":\"a slow otter\",\"model\":\"model\",\"size\":\"64x64\",\"steps\":50,"
          + "\"seed\":1,\"response_format\":\"b64_json\"}";

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  static CompletableFuture<HttpResponse<byte[]>> postAsync(TestServers.Running s, String json) {
    return CLIENT.sendAsync(
        HttpRequest.newBuilder(URI.create(s.url("/v1/images/generations")))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static void awaitRunning(TestServers.Running s) throws InterruptedException {
    assertThat(MetricsText.await(s, "easel_generations_running", v -> v == 1)).isEqualTo(1);
  }

  private static void assertImage(HttpResponse<byte[]> r) {
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    String b64 = new Http.Response(200, null, r.body()).json().at("/data/0/b64_json").asText();
    assertThat(Sdk.decode(Base64.getDecoder().decode(b64)).image().width()).isPositive();
  }

  @Test
  void aFullQueueIsA429WithRetryAfter() throws Exception {
    try (var s = TestServers.withTinyModel(Map.of("server.queue-size", "1"))) {
      var running = postAsync(s, SLOW);
      awaitRunning(s);
      var queued = postAsync(s, SLOW);
      assertThat(MetricsText.await(s, "easel_queue_depth", v -> v == 1)).isEqualTo(1);
      Http.Response rejected = Http.postJson(s.url("/v1/images/generations"), SLOW);
      assertError(rejected, 429, "server_busy", null, "queue_full");
      assertThat(Long.parseLong(rejected.header("Retry-After"))).isPositive();
      assertImage(running.get(60, TimeUnit.SECONDS));
      assertImage(queued.get(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void theGenerationWorkerRunsAtTheConfiguredNiceness() throws Exception {
    assumeTrue(ThreadNiceness.available(), "needs Linux's /proc and renice");
    try (var s = TestServers.withTinyModel(Map.of("runtime.nice", "6"))) {
      assertImage(postAsync(s, SLOW).get(60, TimeUnit.SECONDS));
      assertThat(ThreadNiceness.named("easel-generation-worker")).containsValue(6);
      assertThat(ThreadNiceness.named("JettyServerThreadPool")).isNotEmpty().doesNotContainValue(6);
    }
  }

  @Test
  void aClientThatHangsUpCancelsItsGeneration() throws Exception {
    try (var s = TestServers.withTinyModel(Map.of())) {
      byte[] body = SLOW.getBytes(StandardCharsets.UTF_8);
      try (Socket socket = new Socket("127.0.0.1", s.server().port())) {
        sendGeneration(socket, body);
        awaitRunning(s);
      }
      assertThat(MetricsText.await(s, "easel_generations_cancelled_total", v -> v == 1))
          .isEqualTo(1);
      assertThat(MetricsText.value(s, "easel_generations_running")).isZero();
      assertThat(MetricsText.value(s, "easel_denoising_steps_total"))
          .as("stopped before its 50 steps")
          .isLessThan(50);
      assertThat(MetricsText.value(s, "easel_images_generated_total{model=\"model\"}")).isZero();
    }
  }

  @Test
  void stoppingFinishesTheGenerationInFlightAndRefusesNewOnes() throws Exception {
    var s = TestServers.withTinyModel(Map.of());
    var inFlight = postAsync(s, SLOW);
    awaitRunning(s);
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(s.server()::stop);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    Http.Response refused = Http.get(s.url("/health"));
    while (refused.status() != 503 && System.nanoTime() < deadline) {
      Thread.sleep(10);
      refused = Http.get(s.url("/health"));
    }
    assertError(refused, 503, "server_error", null, "shutting_down");
    assertError(
        Http.postJson(s.url("/v1/images/generations"), SLOW),
        503,
        "server_error",
        null,
        "shutting_down");
    assertThat(stopping).isNotDone();
    assertImage(inFlight.get(60, TimeUnit.SECONDS));
    stopping.get(30, TimeUnit.SECONDS);
    assertThat(s.server().inFlight()).isZero();
  }

  @Test
  void stoppingWaitsForAResponseStillBeingWritten() throws Exception {
    var s = TestServers.withTinyModel(Map.of());
    byte[] body =
        ("{\"prompt\":\"a large otter\",\"model\":\"model\",\"size\":\"1024x1024\",\"n\":8,"
                + "\"seed\":1,\"response_format\":\"b64_json\"}")
            .getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket()) {
      // A client that reads slowly: the server's write of ~15 MB blocks on it.
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", s.server().port()));
      sendGeneration(socket, body);
      InputStream in = socket.getInputStream();
      byte[] statusLine = in.readNBytes("HTTP/1.1 200".length());
      assertThat(new String(statusLine, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      assertThat(s.server().inFlight()).as("the handler has returned").isZero();
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(s.server()::stop);
      Thread.sleep(500);
      assertThat(stopping).isNotDone();
      assertError(Http.get(s.url("/health")), 503, "server_error", null, "shutting_down");
      String rest = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      String json = rest.substring(rest.indexOf("\r\n\r\n") + 4);
      assertThat(new ObjectMapper().readTree(json).get("data")).hasSize(8);
      stopping.get(30, TimeUnit.SECONDS);
    }
  }

  /** Writes a generation request by hand, so the test controls the socket. */
  private static void sendGeneration(Socket socket, byte[] body) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /v1/images/generations HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }
}
