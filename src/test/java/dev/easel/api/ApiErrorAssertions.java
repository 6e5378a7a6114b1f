package dev.easel.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/** Checks OpenAI's error envelope and the headers every response carries. */
final class ApiErrorAssertions {
  private ApiErrorAssertions() {}

  static JsonNode assertError(Http.Response r, int status, String type, String param, String code) {
    assertThat(r.status()).as("status of %s", r.text()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.header("x-request-id")).startsWith("req_");
    assertThat(r.header("openai-processing-ms")).matches("\\d+");
    JsonNode error = r.json().get("error");
    assertThat(error).as("envelope of %s", r.text()).isNotNull();
    assertThat(error.has("message") && error.has("type") && error.has("param") && error.has("code"))
        .as("all four keys in %s", r.text())
        .isTrue();
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(error.get("type").asText()).isEqualTo(type);
    assertThat(error.get("param").isNull() ? null : error.get("param").asText()).isEqualTo(param);
    assertThat(error.get("code").isNull() ? null : error.get("code").asText()).isEqualTo(code);
    return error;
  }

  static JsonNode assertBadRequest(Http.Response r, String param, String code) {
    return assertError(r, 400, "invalid_request_error", param, code);
  }
}
