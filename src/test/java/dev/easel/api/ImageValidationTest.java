package dev.easel.api;

import static dev.easel.api.ApiErrorAssertions.assertBadRequest;
import static dev.easel.api.ApiErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad input, through raw HTTP against a running server: a 4xx envelope, never 5xx.
 */
class ImageValidationTest {
  private static TestServers.Running server;
  private static String generations;
  private static String edits;
  private static String variations;

  @BeforeAll
  static void start() {
    server = TestServers.withoutModels(Map.of("server.max-body-mb", "8"));
    generations = server.url("/v1/images/generations");
    edits = server.url("/v1/images/edits");
    variations = server.url("/v1/images/variations");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Http.Response generate(String json) {
    return Http.postJson(generations, json);
  }

  @Test
  void malformedJsonIsA400WithoutParam() {
    assertBadRequest(generate("{\"prompt\": \"otter\""), null, null);
    assertBadRequest(generate("[1, 2]"), null, null);
    assertBadRequest(generate(""), null, null);
  }

  @Test
  void wrongContentTypeIsRejected() {
    assertBadRequest(
        Http.post(generations, "text/plain", "prompt=otter".getBytes(StandardCharsets.UTF_8)),
        null,
        "invalid_content_type");
    assertBadRequest(
        new Http.Multipart().text("prompt", "otter").post(generations),
        null,
        "invalid_content_type");
    assertBadRequest(Http.postJson(variations, "{\"n\":1}"), null, "invalid_content_type");
    assertBadRequest(
        Http.post(edits, "text/plain", "prompt=otter".getBytes(StandardCharsets.UTF_8)),
        null,
        "invalid_content_type");
  }

  @Test
  void truncatedMultipartIsRejected() {
    byte[] whole =
        new Http.Multipart()
            .text("prompt", "otter")
            .file("image", null, TestImages.png(64, 64))
            .body();
    byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
    assertBadRequest(Http.post(edits, Http.Multipart.contentType(), truncated), null, null);
    assertBadRequest(Http.post(edits, "multipart/form-data", whole), null, null);
  }

  @Test
  void missingFieldsNameTheField() {
    assertBadRequest(generate("{\"model\":\"dall-e-2\"}"), "prompt", "missing_required_parameter");
    assertBadRequest(
        new Http.Multipart().text("prompt", "otter").post(edits),
        "image",
        "missing_required_parameter");
    assertBadRequest(
        new Http.Multipart().text("n", "1").post(variations),
        "image",
        "missing_required_parameter");
    assertBadRequest(
        new Http.Multipart().file("image", null, TestImages.png(64, 64)).post(edits),
        "prompt",
        "missing_required_parameter");
  }

  @Test
  void unknownModelListsTheSupportedOnes() {
    var error =
        assertBadRequest(
            generate("{\"prompt\":\"otter\",\"model\":\"dall-e-9\"}"), "model", "invalid_value");
    assertThat(error.get("message").asText()).contains("dall-e-9", "gpt-image-1", "dall-e-3");
  }

  @Test
  void sizeMustSuitTheModel() {
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"model\":\"dall-e-2\",\"size\":\"1792x1024\"}"),
        "size",
        "invalid_value");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"model\":\"dall-e-3\",\"size\":\"512x512\"}"),
        "size",
        "invalid_value");
    var gpt =
        assertBadRequest(
            generate("{\"prompt\":\"otter\",\"model\":\"gpt-image-1\",\"size\":\"512x512\"}"),
            "size",
            "invalid_value");
    assertThat(gpt.get("message").asText())
        .isEqualTo(
            "Invalid value: '512x512'. Supported values are: '1024x1024', '1536x1024',"
                + " '1024x1536' and 'auto'.");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"model\":\"gpt-image-2\",\"size\":\"1000x1000\"}"),
        "size",
        "invalid_value");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"model\":\"gpt-image-2\",\"size\":\"3840x1024\"}"),
        "size",
        "invalid_value");
    assertBadRequest(
        new Http.Multipart()
            .file("image", null, TestImages.png(64, 64))
            .text("size", "1536x1024")
            .post(variations),
        "size",
        "invalid_value");
  }

  @Test
  void nMustBeInRange() {
    assertBadRequest(generate("{\"prompt\":\"otter\",\"n\":11}"), "n", "integer_above_max_value");
    assertBadRequest(generate("{\"prompt\":\"otter\",\"n\":0}"), "n", "integer_below_min_value");
    var e =
        assertBadRequest(
            generate("{\"prompt\":\"otter\",\"model\":\"dall-e-3\",\"n\":2}"),
            "n",
            "invalid_value");
    assertThat(e.get("message").asText()).isEqualTo("You must provide n=1 for this model.");
    assertBadRequest(generate("{\"prompt\":\"otter\",\"n\":\"two\"}"), "n", "invalid_type");
    assertBadRequest(generate("{\"prompt\":\"otter\",\"n\":1.5}"), "n", "invalid_type");
  }

  @Test
  void promptLengthDependsOnTheModel() {
    String p1001 = "a".repeat(1001);
    assertBadRequest(
        generate("{\"prompt\":\"" + p1001 + "\",\"model\":\"dall-e-2\"}"),
        "prompt",
        "string_above_max_length");
    assertBadRequest(
        generate("{\"prompt\":\"" + "a".repeat(4001) + "\",\"model\":\"dall-e-3\"}"),
        "prompt",
        "string_above_max_length");
    assertBadRequest(
        generate("{\"prompt\":\"" + "a".repeat(32001) + "\",\"model\":\"gpt-image-1\"}"),
        "prompt",
        "string_above_max_length");
    assertBadRequest(generate("{\"prompt\":\"  \"}"), "prompt", "empty_string");
  }

  @Test
  void endpointsExistOnlyForTheirModels() {
    assertBadRequest(
        new Http.Multipart()
            .file("image", null, TestImages.png(64, 64))
            .text("model", "gpt-image-1")
            .post(variations),
        "model",
        "invalid_value");
    var e =
        assertBadRequest(
            new Http.Multipart()
                .file("image", null, TestImages.png(64, 64))
                .text("prompt", "otter")
                .text("model", "dall-e-3")
                .post(edits),
            "model",
            "invalid_value");
    assertThat(e.get("message").asText()).contains("'dall-e-3'").contains("'dall-e-2'");
  }

  @Test
  void parametersOfTheOtherFamilyAreRejected() {
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"model\":\"gpt-image-1\",\"response_format\":\"url\"}"),
        "response_format",
        "unknown_parameter");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"model\":\"gpt-image-1\",\"style\":\"vivid\"}"),
        "style",
        "unsupported_parameter");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"model\":\"dall-e-3\",\"output_format\":\"jpeg\"}"),
        "output_format",
        "unsupported_parameter");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"model\":\"dall-e-3\",\"stream\":true}"),
        "stream",
        "unsupported_parameter");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"model\":\"dall-e-3\",\"quality\":\"high\"}"),
        "quality",
        "invalid_value");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"colour\":\"red\"}"), "colour", "unknown_parameter");
  }

  @Test
  void transparentBackgroundNeedsAMattingModel() {
    var e =
        assertBadRequest(
            generate(
                "{\"prompt\":\"otter\",\"model\":\"gpt-image-1\",\"background\":\"transparent\"}"),
            "background",
            "unsupported_value");
    assertThat(e.get("message").asText()).contains("background");
  }

  @Test
  void extrasAreValidated() {
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"steps\":0}"), "steps", "integer_below_min_value");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"seed\":-1}"), "seed", "integer_below_min_value");
    var tooLarge =
        assertBadRequest(
            generate("{\"prompt\":\"otter\",\"seed\":1180591620717411303424}"),
            "seed",
            "integer_above_max_value");
    assertThat(tooLarge.get("message").asText())
        .isEqualTo(
            "1180591620717411303424 is greater than the maximum of 9223372036854775807 - 'seed'");
    byte[] variation =
        new Http.Multipart()
            .file("image", null, TestImages.png(64, 64))
            .text("n", "99999999999999999999")
            .body();
    var hugeN =
        assertBadRequest(
            Http.post(variations, Http.Multipart.contentType(), variation),
            "n",
            "integer_above_max_value");
    assertThat(hugeN.get("message").asText())
        .as("the field's own limit, not the 64-bit one")
        .isEqualTo("99999999999999999999 is greater than the maximum of 10 - 'n'");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"strength\":1.5}"), "strength", "invalid_value");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"guidance_scale\":\"high\"}"),
        "guidance_scale",
        "invalid_type");
    assertBadRequest(
        generate("{\"prompt\":\"otter\",\"partial_images\":4,\"model\":\"gpt-image-1\"}"),
        "partial_images",
        "integer_above_max_value");
  }

  @Test
  void hugeDimensionsInASmallPngAreRefusedBeforeDecoding() {
    byte[] bomb = TestImages.pngHeaderClaiming(60_000, 60_000);
    assertThat(bomb.length).isLessThan(200);
    assertBadRequest(
        new Http.Multipart()
            .file("image[]", "bomb.png", bomb)
            .text("prompt", "otter")
            .text("model", "gpt-image-1")
            .post(edits),
        "image",
        "image_too_large");
  }

  @Test
  void dallE2TakesOneSquarePng() {
    assertBadRequest(
        new Http.Multipart()
            .file("image", null, TestImages.png(64, 32))
            .text("prompt", "otter")
            .text("model", "dall-e-2")
            .post(edits),
        "image",
        "invalid_image_format");
    var e =
        assertBadRequest(
            new Http.Multipart().file("image", "x.jpg", TestImages.jpeg(64, 64)).post(variations),
            "image",
            "invalid_image_format");
    assertThat(e.get("message").asText())
        .isEqualTo("Uploaded image must be a PNG and less than 4 MB.");
    assertBadRequest(
        new Http.Multipart()
            .file("image", null, "Example data".getBytes(StandardCharsets.UTF_8))
            .post(variations),
        "image",
        "invalid_image_format");
    assertBadRequest(
        new Http.Multipart()
            .file("image", null, TestImages.png(64, 64))
            .file("image", null, TestImages.png(64, 64))
            .text("prompt", "otter")
            .text("model", "dall-e-2")
            .post(edits),
        "image",
        "too_many_images");
  }

  @Test
  void maskMustMatchTheImage() {
    assertError(
        new Http.Multipart()
            .file("image[]", null, TestImages.png(64, 64))
            .file("mask", null, TestImages.png(32, 32))
            .text("prompt", "otter")
            .text("model", "gpt-image-1")
            .post(edits),
        400,
        "image_generation_user_error",
        "mask",
        "invalid_mask_image_format");
    assertBadRequest(
        new Http.Multipart()
            .file("image", null, TestImages.png(64, 64))
            .file("mask", null, TestImages.jpeg(64, 64))
            .text("prompt", "otter")
            .post(edits),
        "mask",
        "invalid_image_format");
  }

  @Test
  void tooManyImagesForGptEdits() {
    Http.Multipart form = new Http.Multipart().text("prompt", "otter").text("model", "gpt-image-1");
    for (int i = 0; i < 17; i++) {
      form.file("image[]", null, TestImages.png(16, 16));
    }
    assertBadRequest(form.post(edits), "image", "too_many_images");
  }

  @Test
  void bodyOverTheLimitIs413() {
    byte[] big = new byte[9 * 1024 * 1024];
    assertError(
        new Http.Multipart().file("image", null, big).text("prompt", "otter").post(edits),
        413,
        "invalid_request_error",
        null,
        "request_too_large");
  }

  @Test
  void validRequestWithoutAModelIs503() {
    var e =
        assertError(
            generate("{\"prompt\":\"a sea otter\",\"model\":\"gpt-image-1\"}"),
            503,
            "server_error",
            null,
            "no_model_loaded");
    assertThat(e.get("message").asText()).contains("--model");
    assertError(
        new Http.Multipart()
            .file("image[]", null, TestImages.png(64, 64))
            .file("image[]", null, TestImages.jpeg(64, 48))
            .file("mask", null, TestImages.png(64, 64))
            .text("prompt", "otter")
            .text("stream", "false")
            .post(edits),
        503,
        "server_error",
        null,
        "no_model_loaded");
  }

  @Test
  void unknownRoutesAndMethodsGetTheEnvelope() {
    assertError(
        Http.get(server.url("/v1/nothing")), 404, "invalid_request_error", null, "unknown_url");
    assertThat(Http.get(generations).status()).isIn(404, 405);
  }
}
