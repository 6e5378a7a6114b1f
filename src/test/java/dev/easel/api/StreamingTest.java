package dev.easel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.SseException;
import com.openai.models.images.ImageEditParams;
import com.openai.models.images.ImageEditStreamEvent;
import com.openai.models.images.ImageGenPartialImageEvent;
import com.openai.models.images.ImageGenStreamEvent;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImageModel;
import dev.easel.engine.EngineOptions;
import dev.easel.engine.StableDiffusionLoader;
import dev.easel.engine.TinyModels;
import dev.easel.image.ImageFormat;
import dev.easel.image.RgbaImage;
import dev.easel.model.Architecture;
import dev.easel.model.RandomModel;
import dev.easel.model.safetensors.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stream: true} through the SDK's streaming API and on the wire, with the tiny pipeline. */
@SuppressWarnings("deprecation") // the SDK deprecates gpt-image-1; clients use it
class StreamingTest {
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

  private static List<ImageGenStreamEvent> generate(ImageGenerateParams params) {
    try (StreamResponse<ImageGenStreamEvent> stream = client.images().generateStreaming(params)) {
      return stream.stream().toList();
    }
  }

  private static RgbaImage decode(String b64) {
    return Sdk.decode(Base64.getDecoder().decode(b64)).image();
  }

  @Test
  void partialImagesComeBeforeTheCompletedImage() {
    for (long partials = 1; partials <= 3; partials++) {
      List<ImageGenStreamEvent> events =
          generate(
              ImageGenerateParams.builder()
                  .model(ImageModel.GPT_IMAGE_1)
                  .prompt("a kite")
                  .partialImages(partials)
                  .additionalBodyProperties(Sdk.extras("steps", 6, "seed", 9))
                  .build());
      assertThat(events).as("%d partials", partials).hasSize((int) partials + 1);
      for (int i = 0; i < partials; i++) {
        ImageGenStreamEvent e = events.get(i);
        assertThat(e.isGenerationPartialImage()).isTrue();
        assertThat(e.asGenerationPartialImage().partialImageIndex()).isEqualTo(i);
        assertThat(decode(e.asGenerationPartialImage().b64Json()).width()).isPositive();
      }
      ImageGenStreamEvent last = events.get(events.size() - 1);
      assertThat(last.isGenerationCompleted()).isTrue();
      var completed = last.asGenerationCompleted();
      int side = TestServers.tinyModel().capabilities().nativeSize();
      assertThat(decode(completed.b64Json()).width()).isEqualTo(side);
      assertThat(completed.usage().outputTokens())
          .isEqualTo(ImageResponses.imageTokens(side, side));
      assertThat(Sdk.seed(completed._additionalProperties())).isEqualTo(9);
    }
  }

  @Test
  void partialImagesHaveTheSizeTheEventsReport() {
    // generated at 64×64 (the test server's limit), answered at 1024×1024
    List<ImageGenStreamEvent> events =
        generate(
            ImageGenerateParams.builder()
                .model(ImageModel.GPT_IMAGE_1)
                .prompt("a kite")
                .size(ImageGenerateParams.Size._1024X1024)
                .partialImages(1L)
                .additionalBodyProperties(Sdk.extras("steps", 2))
                .build());
    var partial = events.get(0).asGenerationPartialImage();
    assertThat(partial.size()).isEqualTo(ImageGenPartialImageEvent.Size._1024X1024);
    RgbaImage image = decode(partial.b64Json());
    assertThat(image.width()).isEqualTo(1024);
    assertThat(image.height()).isEqualTo(1024);
  }

  @Test
  void streamedEditSendsPartialsThenTheCompositedResult() {
    RgbaImage original = EditTest.picture(32, 32);
    RgbaImage mask = EditTest.withHole(original, 8, 8, 24, 24);
    List<ImageEditStreamEvent> events;
    try (StreamResponse<ImageEditStreamEvent> stream =
        client
            .images()
            .editStreaming(
                ImageEditParams.builder()
                    .model(ImageModel.GPT_IMAGE_1)
                    .image(EditTest.png(original))
                    .mask(EditTest.png(mask))
                    .prompt("a flower")
                    .partialImages(2L)
                    .outputFormat(ImageEditParams.OutputFormat.WEBP)
                    .additionalBodyProperties(Sdk.extras("steps", 6))
                    .build())) {
      events = stream.stream().toList();
    }
    assertThat(events).hasSize(3);
    assertThat(events.get(0).isPartialImage()).isTrue();
    assertThat(events.get(1).asPartialImage().partialImageIndex()).isEqualTo(1);
    var completed = events.get(2).asCompleted();
    byte[] webp = Base64.getDecoder().decode(completed.b64Json());
    assertThat(Sdk.decode(webp).format()).isEqualTo(ImageFormat.WEBP);
    assertThat(Sdk.decode(webp).image().width()).isEqualTo(32);
    assertThat(completed.usage().inputTokensDetails().imageTokens())
        .isEqualTo(ImageResponses.imageTokens(32, 32));
  }

  @Test
  void aFailureAfterTheStreamStartedIsAnErrorEvent(@TempDir Path dir) throws Exception {
    // The server reads the model's configuration, then its weights break: loading it on the
    // worker fails after the stream began.
    Path model = dir.resolve("breaks");
    RandomModel.write(model, Architecture.TINY, false, 1, DType.F32, null);
    ModelPool pool =
        new ModelPool(
            List.of(
                new ModelPool.Candidate(
                    "breaks",
                    StableDiffusionLoader.capabilities(model, EngineOptions.batch(4)),
                    StableDiffusionLoader.weightBytes(model),
                    () -> TinyModels.load(model, 4))),
            1L << 30);
    try (Stream<Path> files = Files.list(model.resolve("unet"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".safetensors")).toList()) {
        Files.write(f, new byte[] {1, 2, 3});
      }
    }
    try (TestServers.Running broken =
        TestServers.withDirectory(
            pool, Map.of("server.max-generation-pixels", TestServers.TINY_GENERATION_PIXELS))) {
      ImageGenerateParams params =
          ImageGenerateParams.builder()
              .model(ImageModel.GPT_IMAGE_1)
              .prompt("a kite")
              .partialImages(1L)
              .build();
      assertThatThrownBy(
              () -> {
                try (StreamResponse<ImageGenStreamEvent> stream =
                    Sdk.client(broken).images().generateStreaming(params)) {
                  stream.stream().toList();
                }
              })
          .isInstanceOfSatisfying(
              SseException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(200);
                assertThat(e.getMessage()).contains("The model 'breaks' could not be loaded");
                assertThat(e.code()).contains("model_load_failed");
              });
    }
  }

  @Test
  void whatTheModelCannotDoIsA400BeforeAnyEvent() {
    ImageGenerateParams params =
        ImageGenerateParams.builder()
            .model(ImageModel.GPT_IMAGE_1)
            .prompt("a kite")
            .partialImages(1L)
            .additionalBodyProperties(Sdk.extras("scheduler", "no_such_sampler"))
            .build();
    assertThatThrownBy(() -> generate(params))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.getMessage()).contains("no_such_sampler");
              assertThat(e.code()).contains("invalid_value");
            });

    Http.Response edit =
        new Http.Multipart()
            .file("image", "a.png", TestImages.png(32, 32))
            .text("prompt", "a kite")
            .text("model", "gpt-image-1")
            .text("stream", "true")
            .text("steps", "1")
            .text("strength", "0.5")
            .post(server.url("/v1/images/edits"));
    assertThat(edit.status()).isEqualTo(400);
    assertThat(edit.header("Content-Type")).startsWith("application/json");
    assertThat(edit.json().at("/error/message").asText()).contains("no denoising step");
  }

  @Test
  void wireFormatIsEventAndDataLinesEndingWithDone() {
    Http.Response r =
        Http.postJson(
            server.url("/v1/images/generations"),
            "{\"prompt\":\"a kite\",\"model\":\"gpt-image-1\",\"stream\":true,\"partial_images\":1,"
                + "\"n\":2,\"seed\":100,\"steps\":4}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/event-stream");
    assertThat(r.header("x-easel-seeds")).isEqualTo("100,101");
    String text = r.text();
    assertThat(text.split("event: image_generation.partial_image\ndata: \\{", -1)).hasSize(3);
    assertThat(text.split("event: image_generation.completed\ndata: \\{", -1)).hasSize(3);
    assertThat(text).endsWith("\n\ndata: [DONE]\n\n").contains("\"seed\":101");
  }
}
