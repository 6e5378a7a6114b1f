package dev.easel.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.images.Image;
import com.openai.models.images.ImageCreateVariationParams;
import com.openai.models.images.ImageEditParams;
import com.openai.models.images.ImageModel;
import com.openai.models.images.ImagesResponse;
import dev.easel.image.GenerationParameters;
import dev.easel.image.ImageEncoder;
import dev.easel.image.OutputFormat;
import dev.easel.image.PngChunks;
import dev.easel.image.RgbaImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Edits and variations through the official SDK with the real tiny pipeline. */
@SuppressWarnings("deprecation") // the SDK deprecates dall-e-2, gpt-image-1 and variations
class EditTest {
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

  /** An opaque picture with detail in every channel. */
  static RgbaImage picture(int w, int h) {
    byte[] px = new byte[w * h * 4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int o = (y * w + x) * 4;
        px[o] = (byte) (x * 255 / w);
        px[o + 1] = (byte) (y * 255 / h);
        px[o + 2] = (byte) ((x * y) % 256);
        px[o + 3] = (byte) 255;
      }
    }
    return new RgbaImage(w, h, px);
  }

  /** {@code image} with alpha 0 inside the rectangle [x0, x1) × [y0, y1). */
  static RgbaImage withHole(RgbaImage image, int x0, int y0, int x1, int y1) {
    byte[] px = image.rgba().clone();
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        px[(y * image.width() + x) * 4 + 3] = 0;
      }
    }
    return new RgbaImage(image.width(), image.height(), px);
  }

  static byte[] png(RgbaImage image) {
    return ImageEncoder.encode(image, OutputFormat.PNG);
  }

  /**
   * Asserts every pixel the mask keeps (alpha 255) is exactly the original's, and returns how many.
   */
  private static int assertKeptExactly(RgbaImage original, RgbaImage mask, RgbaImage result) {
    assertThat(result.width()).isEqualTo(original.width());
    assertThat(result.height()).isEqualTo(original.height());
    int kept = 0;
    for (int y = 0; y < original.height(); y++) {
      for (int x = 0; x < original.width(); x++) {
        if (mask.alpha(x, y) == 255) {
          kept++;
          for (int c = 0; c < 4; c++) {
            assertThat(result.channel(x, y, c))
                .as("pixel %d,%d channel %d", x, y, c)
                .isEqualTo(original.channel(x, y, c));
          }
        }
      }
    }
    return kept;
  }

  private static boolean regenerated(RgbaImage original, RgbaImage result, int x0, int y0) {
    for (int c = 0; c < 3; c++) {
      if (result.channel(x0, y0, c) != original.channel(x0, y0, c)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void maskedEditKeepsEveryOpaqueMaskPixel() {
    RgbaImage original = picture(64, 48);
    RgbaImage mask = withHole(picture(64, 48), 16, 8, 48, 40);
    ImagesResponse r =
        client
            .images()
            .edit(
                ImageEditParams.builder()
                    .model(ImageModel.GPT_IMAGE_1)
                    .image(png(original))
                    .mask(png(mask))
                    .prompt("a red door")
                    .additionalBodyProperties(Sdk.extras("seed", 3))
                    .build());
    byte[] bytes = Sdk.bytes(Sdk.data(r).get(0));
    RgbaImage result = Sdk.decode(bytes).image();
    assertThat(assertKeptExactly(original, mask, result)).isEqualTo(64 * 48 - 32 * 32);
    assertThat(regenerated(original, result, 32, 24)).isTrue();
    GenerationParameters params =
        GenerationParameters.parse(PngChunks.textChunks(bytes).get("parameters"));
    assertThat(params.extra()).containsEntry("Mode", "inpaint");
    assertThat(r.usage().orElseThrow().inputTokensDetails().imageTokens())
        .isEqualTo(ImageResponses.imageTokens(64, 48));
  }

  @Test
  void withoutAMaskTheImagesTransparencyIsRegeneratedEvenWhenUpscaled() {
    RgbaImage original = withHole(picture(256, 256), 64, 64, 192, 192);
    ImagesResponse r =
        client
            .images()
            .edit(
                ImageEditParams.builder()
                    .model(ImageModel.DALL_E_2)
                    .image(new ByteArrayInputStream(png(original)))
                    .prompt("a window")
                    .size(ImageEditParams.Size._256X256)
                    .responseFormat(ImageEditParams.ResponseFormat.B64_JSON)
                    .build());
    RgbaImage result = Sdk.decode(Sdk.data(r).get(0)).image();
    assertThat(assertKeptExactly(original, original, result)).isEqualTo(256 * 256 - 128 * 128);
    assertThat(result.alpha(128, 128)).as("regenerated pixels are opaque").isEqualTo(255);
  }

  @Test
  void anOpaqueImageWithoutMaskIsReworkedWhole() {
    RgbaImage original = picture(64, 64);
    byte[] bytes =
        Sdk.bytes(
            Sdk.data(
                    client
                        .images()
                        .edit(
                            ImageEditParams.builder()
                                .model(ImageModel.GPT_IMAGE_1_5)
                                .image(png(original))
                                .prompt("in winter")
                                .additionalBodyProperties(Sdk.extras("strength", 0.5))
                                .build()))
                .get(0));
    RgbaImage result = Sdk.decode(bytes).image();
    assertThat(result.width()).isEqualTo(64);
    assertThat(result.rgba()).isNotEqualTo(original.rgba());
    GenerationParameters params =
        GenerationParameters.parse(PngChunks.textChunks(bytes).get("parameters"));
    assertThat(params.extra())
        .containsEntry("Mode", "image_to_image")
        .containsEntry("Denoising strength", "0.5");
  }

  private static ImageEditParams.Builder edit(RgbaImage mask) {
    return ImageEditParams.builder()
        .model(ImageModel.GPT_IMAGE_1)
        .mask(png(mask))
        .prompt("a boat")
        .additionalBodyProperties(Sdk.extras("seed", 21));
  }

  @Test
  void severalImagesEditTheFirstAndIgnoreTheOthers() {
    RgbaImage first = picture(64, 64);
    RgbaImage mask = withHole(first, 0, 0, 32, 64);
    RgbaImage other = withHole(picture(48, 48), 0, 0, 48, 48);
    ImagesResponse several =
        client
            .images()
            .edit(
                edit(mask)
                    .imageOfInputStreams(
                        List.of(
                            new ByteArrayInputStream(png(first)),
                            new ByteArrayInputStream(png(other))))
                    .build());
    ImagesResponse alone = client.images().edit(edit(mask).image(png(first)).build());
    assertThat(Sdk.bytes(Sdk.data(several).get(0))).isEqualTo(Sdk.bytes(Sdk.data(alone).get(0)));
    assertThat(several.usage().orElseThrow().inputTokensDetails().imageTokens())
        .as("only the edited image counts")
        .isEqualTo(ImageResponses.imageTokens(64, 64));
  }

  @Test
  void variationsReturnNImagesOfTheRequestedSize() {
    ImagesResponse r =
        client
            .images()
            .createVariation(
                ImageCreateVariationParams.builder()
                    .image(png(picture(64, 64)))
                    .n(2L)
                    .size(ImageCreateVariationParams.Size._256X256)
                    .responseFormat(ImageCreateVariationParams.ResponseFormat.B64_JSON)
                    .build());
    List<Image> data = Sdk.data(r);
    assertThat(data).hasSize(2);
    assertThat(Sdk.seed(data.get(1))).isEqualTo(Sdk.seed(data.get(0)) + 1);
    for (Image image : data) {
      RgbaImage result = Sdk.decode(image).image();
      assertThat(result.width()).isEqualTo(256);
      assertThat(result.height()).isEqualTo(256);
    }
    byte[] first = Sdk.bytes(data.get(0));
    assertThat(GenerationParameters.parse(PngChunks.textChunks(first).get("parameters")).cfgScale())
        .as("variations run without guidance")
        .isEqualTo(1.0);
  }
}
