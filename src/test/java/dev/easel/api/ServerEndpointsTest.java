package dev.easel.api;

import static dev.easel.api.ApiErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.store.SignedUrlStore;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /v1/models, /health, /metrics and the signed image URLs of a running server. */
class ServerEndpointsTest {
  @Test
  void modelsListHasOpenAiShape() {
    try (var s = TestServers.withoutModels(Map.of())) {
      var r = Http.get(s.url("/v1/models"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("application/json");
      assertThat(r.header("x-request-id")).startsWith("req_");
      assertThat(r.json().get("object").asText()).isEqualTo("list");
      assertThat(r.json().get("data").isArray()).isTrue();
      assertThat(r.json().get("data")).isEmpty();
      assertError(
          Http.get(s.url("/v1/models/dall-e-2")),
          404,
          "invalid_request_error",
          "model",
          "model_not_found");
    }
  }

  @Test
  void healthSaysLiveButNotReadyWithoutModels() {
    try (var s = TestServers.withoutModels(Map.of())) {
      var r = Http.get(s.url("/health"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("live").asBoolean()).isTrue();
      assertThat(r.json().get("ready").asBoolean()).isFalse();
      assertThat(r.json().get("status").asText()).isEqualTo("no_model_loaded");
      assertThat(r.json().get("models")).isEmpty();
      assertThat(Http.get(s.url("/health/ready")).status()).isEqualTo(503);
    }
  }

  @Test
  void metricsAreInPrometheusTextFormat() {
    try (var s = TestServers.withoutModels(Map.of())) {
      Http.postJson(s.url("/v1/images/generations"), "{\"prompt\":\"\"}");
      Http.get(s.url("/health"));
      var r = Http.get(s.url("/metrics"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
      assertThat(r.text())
          .contains("# TYPE easel_http_requests_total counter")
          .contains("easel_http_requests_total{route=\"/v1/images/generations\",status=\"400\"} 1")
          .contains("easel_http_requests_total{route=\"/health\",status=\"200\"} 1")
          .contains("# TYPE easel_http_request_duration_seconds histogram")
          .contains("easel_http_request_duration_seconds_count{route=\"/health\"} 1")
          .contains("easel_queue_depth 0")
          .contains("easel_denoising_steps_per_second ")
          .contains("# TYPE easel_images_generated_total counter");
      for (String line : r.text().split("\n")) {
        assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{[^}]*\\})? [0-9.+eE-]+");
      }
    }
  }

  @Test
  void signedUrlsServeTheFileUntilTheyExpire() throws Exception {
    try (var s = TestServers.withoutModels(Map.of("store.url-ttl-minutes", "60"))) {
      SignedUrlStore store =
          new SignedUrlStore(
              s.storeDir(), s.options().urlSecret(), Duration.ofMinutes(60), s.clock());
      byte[] png = TestImages.png(8, 8);
      String path = store.put(png, "png");
      var ok = Http.get(s.url(path));
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.header("Content-Type")).isEqualTo("image/png");
      assertThat(ok.raw()).isEqualTo(png);

      String signature = path.substring(path.indexOf("signature=") + "signature=".length());
      String tampered = path.replace(signature, flip(signature));
      assertError(Http.get(s.url(tampered)), 404, "invalid_request_error", null, "file_not_found");
      String longer = path.replaceAll("expires=(\\d+)", "expires=9$1");
      assertError(Http.get(s.url(longer)), 404, "invalid_request_error", null, "file_not_found");

      s.clock().advance(Duration.ofMinutes(61));
      assertError(Http.get(s.url(path)), 410, "invalid_request_error", null, "url_expired");
      assertThat(s.server().deleteExpiredFiles()).isEqualTo(1);
      assertError(Http.get(s.url(path)), 410, "invalid_request_error", null, "url_expired");
      assertThat(URI.create(s.url(path)).getQuery()).contains("expires=");
    }
  }

  private static String flip(String signature) {
    char c = signature.charAt(0);
    return (c == 'A' ? 'B' : 'A') + signature.substring(1);
  }

  @Test
  void requestIdsAreUnique() {
    try (var s = TestServers.withoutModels(Map.of())) {
      String a = Http.get(s.url("/health")).header("x-request-id");
      String b = Http.get(s.url("/health")).header("x-request-id");
      assertThat(a).isNotEqualTo(b).matches("req_[0-9a-f]{32}");
      assertThat(HexFormat.of().parseHex(a.substring(4))).hasSize(16);
    }
  }

  @Test
  void errorsJettyAnswersBeforeTheApiUseTheEnvelopeToo() throws Exception {
    try (var s = TestServers.withoutModels(Map.of())) {
      assertError(
          Http.get(s.url("/health"), "X-Big", "a".repeat(20_000)),
          431,
          "invalid_request_error",
          null,
          null);
      try (Socket socket = new Socket("127.0.0.1", s.server().port())) {
        socket.getOutputStream().write("GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String response =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(response)
            .startsWith("HTTP/1.1 400")
            .contains("Content-Type: application/json")
            .contains("x-request-id: req_")
            .contains("{\"error\":{\"message\":")
            .contains("\"type\":\"invalid_request_error\"");
      }
    }
  }
}
