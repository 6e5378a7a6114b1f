package dev.easel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.images.ImageCreateVariationParams;
import com.openai.models.images.ImageEditParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImageModel;
import java.io.ByteArrayInputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The official openai-java SDK, pointed at Easel, gets errors it understands. */
class OpenAiSdkTest {
  private static OpenAIClient client(TestServers.Running s, String key) {
    return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(s.url("/v1")).maxRetries(0).build();
  }

  @Test
  void invalidGenerationIsABadRequestWithCodeAndParam() {
    try (var s = TestServers.withoutModels(Map.of())) {
      OpenAIClient client = client(s, "test-key");
      assertThatThrownBy(
              () ->
                  client
                      .images()
                      .generate(
                          ImageGenerateParams.builder()
                              .model(ImageModel.of("dall-e-3"))
                              .prompt("a sea otter")
                              .n(2L)
                              .build()))
          .isInstanceOfSatisfying(
              BadRequestException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.type()).contains("invalid_request_error");
                assertThat(e.param()).contains("n");
                assertThat(e.code()).contains("invalid_value");
                assertThat(e.getMessage()).contains("You must provide n=1 for this model.");
              });
      assertThatThrownBy(
              () ->
                  client
                      .images()
                      .generate(
                          ImageGenerateParams.builder()
                              .model(ImageModel.of("gpt-image-1"))
                              .prompt("a sea otter")
                              .size(ImageGenerateParams.Size.of("256x256"))
                              .build()))
          .isInstanceOfSatisfying(
              BadRequestException.class, e -> assertThat(e.param()).contains("size"));
    }
  }

  @Test
  @SuppressWarnings("deprecation") // variations are deprecated in the SDK, still used by clients
  void sdkMultipartWithoutFilenamesIsParsed() {
    try (var s = TestServers.withoutModels(Map.of())) {
      OpenAIClient client = client(s, "test-key");
      assertThatThrownBy(
              () ->
                  client
                      .images()
                      .edit(
                          ImageEditParams.builder()
                              .image(new ByteArrayInputStream(TestImages.png(64, 32)))
                              .prompt("otter")
                              .model(ImageModel.of("dall-e-2"))
                              .build()))
          .isInstanceOfSatisfying(
              BadRequestException.class,
              e -> {
                assertThat(e.param()).contains("image");
                assertThat(e.code()).contains("invalid_image_format");
                assertThat(e.getMessage()).contains("square");
              });
      assertThatThrownBy(
              () ->
                  client
                      .images()
                      .createVariation(
                          ImageCreateVariationParams.builder()
                              .image(TestImages.png(64, 64))
                              .model(ImageModel.of("gpt-image-1"))
                              .build()))
          .isInstanceOfSatisfying(
              BadRequestException.class, e -> assertThat(e.param()).contains("model"));
    }
  }

  @Test
  void noModelIsA503AndAWrongKeyA401() {
    try (var s =
        TestServers.withoutModels(Map.of("server.api-key-hashes", ApiKeys.hash("right-key")))) {
      ImageGenerateParams params =
          ImageGenerateParams.builder().model(ImageModel.of("gpt-image-1")).prompt("otter").build();
      assertThatThrownBy(() -> client(s, "right-key").images().generate(params))
          .isInstanceOfSatisfying(
              InternalServerException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(503);
                assertThat(e.code()).contains("no_model_loaded");
              });
      assertThatThrownBy(() -> client(s, "wrong-key").images().generate(params))
          .isInstanceOfSatisfying(
              UnauthorizedException.class, e -> assertThat(e.code()).contains("invalid_api_key"));
    }
  }
}
