package dev.easel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.engine.GenerationRequest.Mode;
import dev.easel.image.Outpaint;
import dev.easel.image.RgbaImage;
import dev.easel.model.Architecture;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Image to image, variations, inpainting and outpainting on the tiny random models: the 4-channel
 * UNet (latent blending) and the 9-channel inpainting UNet.
 *
 * <p>A random VAE does not reproduce its input, so closeness to a source is measured against the
 * source's round trip: image to image with a single, nearly noise-free step.
 */
class ImageEditingTest {
  static StableDiffusionPipeline tiny;
  static StableDiffusionPipeline inpainting;

  @BeforeAll
  static void load() {
    tiny = TinyModels.load(Architecture.TINY, false);
    inpainting = TinyModels.load(Architecture.TINY, true);
  }

  @AfterAll
  static void close() {
    tiny.close();
    inpainting.close();
  }

  static StableDiffusionPipeline model(boolean inpaintingUnet) {
    return inpaintingUnet ? inpainting : tiny;
  }

  static GenerationResult generate(StableDiffusionPipeline p, Requests r) {
    return p.generate(r.build(), ProgressListener.NONE, new Cancellation());
  }

  static RgbaImage image(StableDiffusionPipeline p, Requests r) {
    return generate(p, r).images().get(0).image();
  }

  /** The source through the VAE and one step at the lowest noise level. */
  static RgbaImage roundTrip(RgbaImage source) {
    return image(tiny, Requests.of(Mode.IMAGE_TO_IMAGE, source).steps(20).strength(0.05));
  }

  @Test
  void imageToImageMovesFurtherFromTheSourceAsStrengthGrows() {
    RgbaImage source = Pictures.disc(32, 32);
    RgbaImage reference = roundTrip(source);
    double previous = Double.POSITIVE_INFINITY;
    for (double strength : new double[] {0.2, 0.5, 0.9}) {
      RgbaImage out =
          image(tiny, Requests.of(Mode.IMAGE_TO_IMAGE, source).steps(10).strength(strength));
      double psnr = Pictures.psnr(out, reference);
      assertThat(psnr).as("strength %s", strength).isLessThan(previous);
      previous = psnr;
    }
  }

  @Test
  void imageToImageBringsTheInputToTheRequestedSize() {
    RgbaImage out =
        image(tiny, Requests.of(Mode.IMAGE_TO_IMAGE, Pictures.disc(40, 24)).size(32, 32));
    assertThat(out.width()).isEqualTo(32);
    assertThat(out.height()).isEqualTo(32);
  }

  @Test
  void variationsKeepTheCompositionAndVaryWithTheSeed() {
    RgbaImage disc = Pictures.disc(32, 32);
    RgbaImage band = Pictures.band(32, 32);
    RgbaImage discTrip = roundTrip(disc);
    RgbaImage bandTrip = roundTrip(band);
    for (RgbaImage source : List.of(disc, band)) {
      RgbaImage own = source == disc ? discTrip : bandTrip;
      RgbaImage other = source == disc ? bandTrip : discTrip;
      GenerationResult r =
          generate(tiny, Requests.of(Mode.VARIATION, source).prompt("").steps(4).n(4).seed(1L));
      double margin = 0;
      for (GeneratedImage g : r.images()) {
        margin += Pictures.layoutCorrelation(g.image(), own);
        margin -= Pictures.layoutCorrelation(g.image(), other);
      }
      // Threshold established with the tiny model: the mean margin is about 0.2.
      assertThat(margin / r.images().size()).isGreaterThan(0.05);
      for (int k = 1; k < r.images().size(); k++) {
        assertThat(Pictures.maxDifference(r.images().get(k).image(), r.images().get(0).image()))
            .isGreaterThan(10);
      }
    }
  }

  /** Left half kept (alpha 255), a soft band (alpha 128), the right part regenerated (alpha 0). */
  static RgbaImage halfMask(int size) {
    return Pictures.mask(size, size, (x, y) -> x < size / 2 ? 255 : x < size / 2 + 4 ? 128 : 0);
  }

  @ParameterizedTest(name = "inpainting UNet: {0}")
  @ValueSource(booleans = {false, true})
  void inpaintingKeepsOpaqueMaskPixelsAndRegeneratesTransparentOnes(boolean inpaintingUnet) {
    RgbaImage source = Pictures.disc(32, 32);
    RgbaImage out =
        image(
            model(inpaintingUnet),
            Requests.of(Mode.INPAINT, source).prompt("a cat").mask(halfMask(32)));
    int changed = 0;
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        for (int c = 0; c < 4; c++) {
          if (x < 16) {
            assertThat(out.channel(x, y, c)).isEqualTo(source.channel(x, y, c));
          } else if (x >= 20 && c < 3 && out.channel(x, y, c) != source.channel(x, y, c)) {
            changed++;
          }
        }
        assertThat(out.alpha(x, y)).isEqualTo(255);
      }
    }
    assertThat(changed).isGreaterThan(12 * 32 * 3 / 2);
  }

  @ParameterizedTest(name = "inpainting UNet: {0}")
  @ValueSource(booleans = {false, true})
  void softMaskEdgesBlendHalfway(boolean inpaintingUnet) {
    byte[] rgba = new byte[32 * 32 * 4];
    for (int i = 0; i < rgba.length; i++) {
      int column = (i / 4) % 32;
      rgba[i] = (byte) (i % 4 == 3 || column < 18 || column >= 20 ? 255 : 0);
    }
    // Columns 16 and 17 of the soft band are white, 18 and 19 black: alpha 128 keeps about half.
    RgbaImage source = new RgbaImage(32, 32, rgba);
    RgbaImage out =
        image(model(inpaintingUnet), Requests.of(Mode.INPAINT, source).mask(halfMask(32)));
    for (int y = 0; y < 32; y++) {
      for (int c = 0; c < 3; c++) {
        assertThat(out.channel(16, y, c)).isGreaterThanOrEqualTo(128);
        assertThat(out.channel(17, y, c)).isGreaterThanOrEqualTo(128);
        assertThat(out.channel(18, y, c)).isLessThanOrEqualTo(127);
        assertThat(out.channel(19, y, c)).isLessThanOrEqualTo(127);
      }
    }
  }

  @ParameterizedTest(name = "inpainting UNet: {0}")
  @ValueSource(booleans = {false, true})
  void withoutAMaskTheImagesOwnTransparentPixelsAreRegenerated(boolean inpaintingUnet) {
    RgbaImage source = Pictures.disc(32, 32);
    byte[] rgba = source.rgba().clone();
    for (int y = 8; y < 24; y++) {
      for (int x = 8; x < 24; x++) {
        rgba[(y * 32 + x) * 4 + 3] = 0;
      }
    }
    RgbaImage holed = new RgbaImage(32, 32, rgba);
    RgbaImage out = image(model(inpaintingUnet), Requests.of(Mode.INPAINT, holed));
    int changed = 0;
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        boolean hole = x >= 8 && x < 24 && y >= 8 && y < 24;
        assertThat(out.alpha(x, y)).isEqualTo(255);
        for (int c = 0; c < 3; c++) {
          if (!hole) {
            assertThat(out.channel(x, y, c)).isEqualTo(source.channel(x, y, c));
          } else if (out.channel(x, y, c) != source.channel(x, y, c)) {
            changed++;
          }
        }
      }
    }
    assertThat(changed).isGreaterThan(16 * 16 * 3 / 2);
  }

  @ParameterizedTest(name = "inpainting UNet: {0}")
  @ValueSource(booleans = {false, true})
  void outpaintingKeepsThePictureAndFillsTheNewCanvas(boolean inpaintingUnet) {
    RgbaImage picture = Pictures.band(24, 32);
    RgbaImage canvas = Outpaint.extend(picture, 0, 0, 8, 0);
    RgbaImage out = image(model(inpaintingUnet), Requests.of(Mode.INPAINT, canvas).prompt("sea"));
    assertThat(out.width()).isEqualTo(32);
    assertThat(out.height()).isEqualTo(32);
    byte[] added = new byte[32 * 8 * 4];
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        for (int c = 0; c < 4; c++) {
          if (x < 24) {
            assertThat(out.channel(x, y, c)).isEqualTo(picture.channel(x, y, c));
          } else {
            added[(y * 8 + x - 24) * 4 + c] = (byte) out.channel(x, y, c);
          }
        }
      }
    }
    RgbaImage newArea = new RgbaImage(8, 32, added);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 8; x++) {
        assertThat(newArea.alpha(x, y)).isEqualTo(255);
      }
    }
    assertThat(Pictures.spread(newArea)).isGreaterThan(5);
  }

  @Test
  void theInpaintingUnetAlsoGeneratesFromTextAlone() {
    RgbaImage img = image(inpainting, Requests.textToImage());
    assertThat(img.width()).isEqualTo(32);
    assertThat(Pictures.spread(img)).isGreaterThan(1);
  }

  @Test
  void aMaskOfAnotherSizeIsRefused() {
    assertThatThrownBy(
            () ->
                generate(
                    tiny,
                    Requests.of(Mode.INPAINT, Pictures.disc(32, 32))
                        .mask(Pictures.mask(32, 16, (x, y) -> 0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("mask", "32x16", "32x32");
  }

  @Test
  void editsNeedAnInputImage() {
    assertThatThrownBy(() -> generate(tiny, Requests.textToImage().mode(Mode.INPAINT)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs an input image");
  }
}
