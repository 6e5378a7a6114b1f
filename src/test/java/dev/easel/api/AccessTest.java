package dev.easel.api;

import static dev.easel.api.ApiErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** API keys (stored as hashes) and per-key rate limits. */
class AccessTest {
  private static final String KEY = "sk-easel-test-key-123";
  private static final String PROMPT = "{\"prompt\":\"otter\",\"model\":\"dall-e-2\",\"n\":2}";

  @Test
  void keysAreCheckedAgainstTheirHashes() {
    try (var s = TestServers.withoutModels(Map.of("server.api-key-hashes", ApiKeys.hash(KEY)))) {
      assertThat(s.server().authenticationEnabled()).isTrue();
      var none = Http.get(s.url("/v1/models"));
      assertError(none, 401, "invalid_request_error", null, null);
      assertThat(none.json().at("/error/message").asText()).contains("didn't provide an API key");
      var wrong = Http.get(s.url("/v1/models"), "Authorization", "Bearer sk-wrong-key-0000");
      var error = assertError(wrong, 401, "invalid_request_error", null, "invalid_api_key");
      assertThat(error.get("message").asText()).doesNotContain("sk-wrong-key-0000");
      assertThat(Http.get(s.url("/v1/models"), "Authorization", "Bearer " + KEY).status())
          .isEqualTo(200);
      assertError(
          Http.postJson(s.url("/v1/images/generations"), PROMPT),
          401,
          "invalid_request_error",
          null,
          null);
      assertThat(Http.get(s.url("/health")).status()).isEqualTo(200);
      assertThat(Http.get(s.url("/metrics")).status()).isEqualTo(200);
    }
  }

  @Test
  void withoutKeysEveryoneIsLetIn() {
    try (var s = TestServers.withoutModels(Map.of())) {
      assertThat(s.server().authenticationEnabled()).isFalse();
      assertThat(Http.get(s.url("/v1/models")).status()).isEqualTo(200);
      assertThat(Http.get(s.url("/v1/models"), "Authorization", "Bearer anything").status())
          .isEqualTo(200);
    }
  }

  @Test
  void imagesPerMinuteAreLimitedPerKeyWith429AndRetryAfter() {
    String other = "sk-other-key-456789";
    try (var s =
        TestServers.withoutModels(
            Map.of(
                "server.api-key-hashes",
                ApiKeys.hash(KEY) + "," + ApiKeys.hash(other),
                "server.rate-limit-images-per-minute",
                "3"))) {
      String url = s.url("/v1/images/generations");
      String auth = "Bearer " + KEY;
      var first = Http.postJson(url, PROMPT, "Authorization", auth);
      assertThat(first.status()).isEqualTo(503);
      assertThat(first.header("x-ratelimit-limit-images")).isEqualTo("3");
      assertThat(first.header("x-ratelimit-remaining-images")).isEqualTo("1");
      assertThat(first.header("x-ratelimit-reset-images")).isEqualTo("40s");

      var limited = Http.postJson(url, PROMPT, "Authorization", auth);
      var error = assertError(limited, 429, "requests", null, "rate_limit_exceeded");
      assertThat(error.get("message").asText()).contains("images per minute");
      assertThat(limited.header("Retry-After")).isEqualTo("20");
      assertThat(limited.header("x-ratelimit-remaining-images")).isEqualTo("1");

      assertThat(Http.postJson(url, PROMPT, "Authorization", "Bearer " + other).status())
          .as("another key has its own bucket")
          .isEqualTo(503);

      s.clock().advance(Duration.ofSeconds(20));
      assertThat(Http.postJson(url, PROMPT, "Authorization", auth).status()).isEqualTo(503);
    }
  }

  @Test
  void invalidRequestsDoNotUseTheQuota() {
    try (var s = TestServers.withoutModels(Map.of("server.rate-limit-images-per-minute", "1"))) {
      String url = s.url("/v1/images/generations");
      for (int i = 0; i < 3; i++) {
        assertThat(Http.postJson(url, "{\"prompt\":\"\"}").status()).isEqualTo(400);
      }
      assertThat(Http.postJson(url, "{\"prompt\":\"otter\"}").status()).isEqualTo(503);
      assertThat(Http.postJson(url, "{\"prompt\":\"otter\"}").status()).isEqualTo(429);
    }
  }

  @Test
  void hashIsSha256Hex() {
    assertThat(ApiKeys.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
