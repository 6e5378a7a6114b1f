package dev.easel.api;

import static dev.easel.api.ApiErrorAssertions.assertBadRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImageModel;
import com.openai.models.images.ImagesResponse;
import dev.easel.config.Config;
import dev.easel.engine.BackgroundMatting;
import dev.easel.engine.TinyMattingModel;
import dev.easel.image.DecodedImage;
import dev.easel.image.ImageFormat;
import dev.easel.image.RgbaImage;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.RuntimeOptions;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code background: transparent} with a matting model configured. */
@SuppressWarnings("deprecation") // the SDK deprecates gpt-image-1
class TransparentBackgroundTest {
  private static BackgroundMatting matting;
  private static TestServers.Running server;

  @BeforeAll
  static void start() {
    matting =
        BackgroundMatting.load(
            new OnnxRuntimes(RuntimeOptions.from(Config.defaults())),
            new BackgroundMatting.Options(
                TinyMattingModel.write(64),
                64,
                BackgroundMatting.Normalization.IMAGENET,
                BackgroundMatting.Output.MIN_MAX));
    server = TestServers.withMatting(matting);
  }

  @AfterAll
  static void stop() {
    server.close();
    matting.close();
  }

  static long alphaLevels(RgbaImage image) {
    return IntStream.range(0, image.width() * image.height())
        .map(i -> image.rgba()[i * 4 + 3] & 0xff)
        .distinct()
        .count();
  }

  @Test
  void pngAndWebpResultsHaveTheBackgroundRemoved() {
    for (ImageGenerateParams.OutputFormat format :
        new ImageGenerateParams.OutputFormat[] {
          ImageGenerateParams.OutputFormat.PNG, ImageGenerateParams.OutputFormat.WEBP
        }) {
      ImagesResponse r =
          Sdk.client(server)
              .images()
              .generate(
                  ImageGenerateParams.builder()
                      .model(ImageModel.GPT_IMAGE_1)
                      .prompt("a lighthouse")
                      .background(ImageGenerateParams.Background.TRANSPARENT)
                      .outputFormat(format)
                      .additionalBodyProperties(Sdk.extras("seed", 3, "steps", 2))
                      .build());
      assertThat(r.background()).contains(ImagesResponse.Background.TRANSPARENT);
      DecodedImage image = Sdk.decode(Sdk.data(r).get(0));
      assertThat(image.format())
          .isEqualTo(
              format == ImageGenerateParams.OutputFormat.PNG ? ImageFormat.PNG : ImageFormat.WEBP);
      assertThat(image.hasAlpha()).isTrue();
      assertThat(alphaLevels(image.image())).isGreaterThan(10);
    }
  }

  @Test
  void opaqueStaysOpaqueAndJpegCannotBeTransparent() {
    Http.Response opaque =
        Http.postJson(
            server.url("/v1/images/generations"),
            "{\"prompt\":\"a lighthouse\",\"model\":\"gpt-image-1\",\"background\":\"opaque\"}");
    assertThat(opaque.json().get("background").asText()).isEqualTo("opaque");
    assertThat(alphaLevels(opaque.image())).isEqualTo(1);

    assertBadRequest(
        Http.postJson(
            server.url("/v1/images/generations"),
            "{\"prompt\":\"a lighthouse\",\"model\":\"gpt-image-1\",\"background\":\"transparent\","
                + "\"output_format\":\"jpeg\"}"),
        "background",
        "invalid_value");
  }

  @Test
  void aStreamedEditReportsAndGivesTransparency() {
    Http.Response r =
        new Http.Multipart()
            .file("image", null, EditTest.png(EditTest.picture(32, 32)))
            .text("prompt", "a kite")
            .text("model", "gpt-image-1")
            .text("background", "transparent")
            .text("stream", "true")
            .text("steps", "2")
            .post(server.url("/v1/images/edits"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).contains("event: image_edit.completed", "\"background\":\"transparent\"");
  }
}
