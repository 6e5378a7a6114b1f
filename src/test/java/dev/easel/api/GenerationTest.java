package dev.easel.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImageModel;
import com.openai.models.images.ImagesResponse;
import dev.easel.image.DecodedImage;
import dev.easel.image.GenerationParameters;
import dev.easel.image.ImageFormat;
import dev.easel.image.PngChunks;
import dev.easel.image.RgbaImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Text to image through the official SDK, with the real tiny pipeline behind every alias. */
@SuppressWarnings(
    "deprecation") // the SDK deprecates DALL·E names and gpt-image-1; clients use them
class GenerationTest {
  private static TestServers.Running server;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    server = TestServers.withTinyModel(Map.of());
    client = Sdk.client(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ImagesResponse generate(ImageGenerateParams.Builder params) {
    return client.images().generate(params.prompt("a lighthouse at dusk").build());
  }

  private static DecodedImage only(ImagesResponse r) {
    assertThat(Sdk.data(r)).hasSize(1);
    return Sdk.decode(Sdk.data(r).get(0));
  }

  @Test
  void dallE2ReturnsAUrlToAPngOfTheRequestedSize() {
    ImagesResponse r =
        generate(
            ImageGenerateParams.builder()
                .model(ImageModel.DALL_E_2)
                .size(ImageGenerateParams.Size._256X256)
                .additionalBodyProperties(Sdk.extras("seed", 11)));
    Image image = Sdk.data(r).get(0);
    assertThat(image.b64Json()).isEmpty();
    assertThat(r.usage()).isEmpty();
    String url = image.url().orElseThrow();
    assertThat(url).startsWith(server.server().baseUrl() + "/files/").contains("signature=");
    Http.Response file = Http.get(url);
    assertThat(file.status()).isEqualTo(200);
    assertThat(file.header("Content-Type")).isEqualTo("image/png");
    DecodedImage png = Sdk.decode(file.raw());
    assertThat(png.format()).isEqualTo(ImageFormat.PNG);
    assertThat(png.image().width()).isEqualTo(256);
    assertThat(png.image().height()).isEqualTo(256);
    GenerationParameters params =
        GenerationParameters.parse(PngChunks.textChunks(file.raw()).get("parameters"));
    assertThat(params.prompt()).isEqualTo("a lighthouse at dusk");
    assertThat(params.seed()).isEqualTo(11);
    assertThat(params.width()).isEqualTo(256);
    assertThat(params.model()).isEqualTo(TestServers.tinyModel().name());
    assertThat(params.extra()).containsEntry("Generated size", "64x64");
    assertThat(params.sampler()).as("the model's own scheduler").isEqualTo("Euler a");

    String tampered = url.replace("signature=", "signature=A");
    assertThat(Http.get(tampered).status()).isEqualTo(404);
    server.clock().advance(server.options().urlTtl().plusMinutes(1));
    Http.Response expired = Http.get(url);
    assertThat(expired.status()).isEqualTo(410);
    assertThat(expired.json().at("/error/code").asText()).isEqualTo("url_expired");
  }

  @Test
  void dallE3RevisesThePromptAndReturnsBase64AtItsSize() {
    ImagesResponse r =
        generate(
            ImageGenerateParams.builder()
                .model(ImageModel.DALL_E_3)
                .size(ImageGenerateParams.Size._1024X1024)
                .quality(ImageGenerateParams.Quality.HD)
                .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON));
    assertThat(Sdk.data(r).get(0).revisedPrompt()).contains("a lighthouse at dusk");
    DecodedImage image = only(r);
    assertThat(image.image().width()).isEqualTo(1024);
    assertThat(image.image().height()).isEqualTo(1024);
    assertThat(r.usage()).isEmpty();
  }

  @Test
  void gptAliasesReturnUsageAndTheirOutputFormats() {
    record Case(ImageModel model, String size, String format, Long compression, int w, int h) {}
    int nativeSize = TestServers.tinyModel().capabilities().nativeSize();
    List<Case> cases =
        List.of(
            new Case(ImageModel.GPT_IMAGE_1, "1024x1536", "jpeg", 40L, 1024, 1536),
            new Case(ImageModel.GPT_IMAGE_1_MINI, "auto", "png", null, nativeSize, nativeSize),
            new Case(ImageModel.GPT_IMAGE_1_5, "1536x1024", "webp", 80L, 1536, 1024),
            new Case(ImageModel.GPT_IMAGE_2, "1024x640", "png", null, 1024, 640),
            new Case(ImageModel.CHATGPT_IMAGE_LATEST, "1024x1024", "jpeg", 100L, 1024, 1024));
    for (Case c : cases) {
      ImageGenerateParams.Builder params =
          ImageGenerateParams.builder()
              .model(c.model())
              .size(c.size())
              .outputFormat(ImageGenerateParams.OutputFormat.of(c.format()))
              .quality(ImageGenerateParams.Quality.LOW);
      if (c.compression() != null) {
        params.outputCompression(c.compression());
      }
      ImagesResponse r = generate(params);
      DecodedImage image = only(r);
      assertThat(image.format().name().toLowerCase())
          .as(c.model().toString())
          .isEqualTo(c.format());
      assertThat(image.image().width()).as(c.model().toString()).isEqualTo(c.w());
      assertThat(image.image().height()).as(c.model().toString()).isEqualTo(c.h());
      assertThat(r.outputFormat().orElseThrow().toString()).isEqualTo(c.format());
      assertThat(r.quality().orElseThrow().toString()).isEqualTo("low");
      var usage = r.usage().orElseThrow();
      assertThat(usage.inputTokensDetails().textTokens()).isPositive();
      assertThat(usage.outputTokens()).isEqualTo(ImageResponses.imageTokens(c.w(), c.h()));
      assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());
    }
  }

  @Test
  void aSizeBeyondTheModelsLongestSideIsGeneratedWithinItAndUpscaled() {
    // 4 × the tiny model's 64 px is its longest side: 1536x1024 fits the area limit only at
    // 312x208, so the side decides.
    try (TestServers.Running wide =
        TestServers.withTinyModel(Map.of("server.max-generation-pixels", "65536"))) {
      Http.Response r =
          Http.postJson(
              wide.url("/v1/images/generations"),
              "{\"prompt\":\"a dune\",\"model\":\"gpt-image-1\",\"size\":\"1536x1024\","
                  + "\"steps\":1}");
      RgbaImage image = r.image();
      assertThat(r.header("x-easel-generation-size")).isEqualTo("256x170");
      assertThat(image.width()).isEqualTo(1536);
      assertThat(image.height()).isEqualTo(1024);
    }
  }

  @Test
  void lowerOutputCompressionGivesSmallerJpegs() {
    ImageGenerateParams.Builder params =
        ImageGenerateParams.builder()
            .model(ImageModel.GPT_IMAGE_1)
            .size(ImageGenerateParams.Size._1024X1024)
            .outputFormat(ImageGenerateParams.OutputFormat.JPEG)
            .additionalBodyProperties(Sdk.extras("seed", 5));
    byte[] best = Sdk.bytes(Sdk.data(generate(params.outputCompression(100L))).get(0));
    byte[] small = Sdk.bytes(Sdk.data(generate(params.outputCompression(10L))).get(0));
    assertThat(small.length).isLessThan(best.length / 2);
  }

  @Test
  void nImagesAreOneBatchWithConsecutiveSeedsAndRepeatExactly() {
    ImageGenerateParams params =
        ImageGenerateParams.builder()
            .model(ImageModel.DALL_E_2)
            .prompt("three foxes")
            .n(3L)
            .size(ImageGenerateParams.Size._256X256)
            .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON)
            .additionalBodyProperties(Sdk.extras("seed", 40, "steps", 3, "scheduler", "euler_a"))
            .build();
    HttpResponseFor<ImagesResponse> raw = client.images().withRawResponse().generate(params);
    assertThat(raw.headers().values("x-easel-seeds")).containsExactly("40,41,42");
    assertThat(raw.headers().values("x-easel-generation-size")).containsExactly("64x64");
    assertThat(Double.parseDouble(raw.headers().values("x-easel-generation-ms").get(0)))
        .isPositive();
    List<Image> first = Sdk.data(raw.parse());
    assertThat(first).extracting(Sdk::seed).containsExactly(40L, 41L, 42L);
    assertThat(Sdk.bytes(first.get(0))).isNotEqualTo(Sdk.bytes(first.get(1)));

    List<Image> again = Sdk.data(client.images().generate(params));
    for (int i = 0; i < 3; i++) {
      assertThat(Sdk.bytes(again.get(i))).as("image %d", i).isEqualTo(Sdk.bytes(first.get(i)));
    }
    ImageGenerateParams alone =
        params.toBuilder()
            .n(1L)
            .additionalBodyProperties(Sdk.extras("seed", 41, "steps", 3, "scheduler", "euler_a"))
            .build();
    Image single = Sdk.data(client.images().generate(alone)).get(0);
    assertThat(Sdk.decode(single).image().rgba())
        .as("seed 41 alone equals seed 41 inside the batch")
        .isEqualTo(Sdk.decode(first.get(1)).image().rgba());
  }

  @Test
  void modelsListTheLoadedModelAndEveryAlias() {
    var ids =
        client.models().list().data().stream().map(com.openai.models.models.Model::id).toList();
    assertThat(ids).contains(TestServers.tinyModel().name()).containsAll(ModelRules.allIds());
    assertThat(client.models().retrieve("gpt-image-1").id()).isEqualTo("gpt-image-1");
  }

  @Test
  void metricsCountTheGeneratedImagesAndSteps() {
    String before = Http.get(server.url("/metrics")).text();
    generate(
        ImageGenerateParams.builder()
            .model(ImageModel.GPT_IMAGE_1_MINI)
            .n(2L)
            .additionalBodyProperties(Sdk.extras("steps", 2)));
    String after = Http.get(server.url("/metrics")).text();
    String images =
        "easel_images_generated_total{model=\"" + TestServers.tinyModel().name() + "\"}";
    assertThat(value(after, images) - value(before, images)).isEqualTo(2);
    assertThat(value(after, "easel_denoising_steps_total"))
        .isGreaterThan(value(before, "easel_denoising_steps_total"));
    assertThat(
            value(
                after,
                "easel_http_requests_total{route=\"/v1/images/generations\",status=\"200\"}"))
        .isGreaterThan(
            value(
                before,
                "easel_http_requests_total{route=\"/v1/images/generations\",status=\"200\"}"));
    assertThat(value(after, "easel_generations_running")).isZero();
  }

  private static double value(String metrics, String series) {
    return MetricsText.value(metrics, series);
  }
}
