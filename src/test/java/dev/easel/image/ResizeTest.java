package dev.easel.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.testing.SharedAssets;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ResizeTest {
  @Test
  void areaDownscaleAveragesBlocks() {
    RgbaImage image = TestImages.solid(4, 2, 0, 0, 0, 255);
    image.rgba()[3] = 0; // pixel (0, 0) transparent
    image.rgba()[(1 * 4 + 1) * 4] = (byte) 200; // pixel (1, 1) red 200
    RgbaImage half = Resize.resize(image, 2, 1, Resize.Filter.AREA);
    assertThat(half.alpha(0, 0)).isEqualTo(191); // (0 + 255 * 3) / 4
    assertThat(half.channel(0, 0, 0)).isEqualTo(67); // 200 / 3 opaque pixels, premultiplied
    assertThat(half.alpha(1, 0)).isEqualTo(255);
  }

  @Test
  void photoSurvivesDownAndUpScaling() throws IOException {
    RgbaImage astronaut =
        ImageDecoder.decode(Files.readAllBytes(SharedAssets.require("images/astronaut.png")))
            .image();
    for (Resize.Filter filter :
        new Resize.Filter[] {Resize.Filter.LANCZOS, Resize.Filter.BICUBIC}) {
      RgbaImage down = Resize.resize(astronaut, 256, 256, filter);
      RgbaImage back = Resize.resize(down, 512, 512, filter);
      assertThat(TestImages.psnr(astronaut, back)).as(filter.name()).isGreaterThan(26);
    }
  }

  @Test
  void sameSizeIsIdentityAndSolidStaysSolid() {
    RgbaImage image = TestImages.photoLike(20, 10, 3);
    assertThat(Resize.resize(image, 20, 10, Resize.Filter.LANCZOS)).isSameAs(image);
    RgbaImage solid = TestImages.solid(10, 10, 30, 60, 90, 255);
    RgbaImage up = Resize.resize(solid, 37, 23, Resize.Filter.LANCZOS);
    for (int i = 0; i < up.rgba().length; i += 4) {
      assertThat(up.rgba()[i] & 0xff).isEqualTo(30);
      assertThat(up.rgba()[i + 2] & 0xff).isEqualTo(90);
    }
  }

  @Test
  void transparentPixelsDoNotBleed() {
    RgbaImage image = TestImages.solid(4, 1, 255, 0, 0, 255);
    image.rgba()[0] = 0;
    image.rgba()[1] = (byte) 255; // pixel 0: green but fully transparent
    image.rgba()[3] = 0;
    RgbaImage up = Resize.resize(image, 8, 1, Resize.Filter.BICUBIC);
    assertThat(up.channel(2, 0, 1)).isZero();
    assertThat(up.channel(2, 0, 0)).isEqualTo(255);
  }

  @Test
  void coverFillsTheTargetAndCropsTheCentre() {
    RgbaImage wide = TestImages.photoLike(200, 100, 4);
    RgbaImage square = Resize.cover(wide, 64, 64, Resize.Filter.LANCZOS);
    assertThat(square.width()).isEqualTo(64);
    assertThat(square.height()).isEqualTo(64);
    RgbaImage reference =
        Crop.crop(Resize.resize(wide, 128, 64, Resize.Filter.LANCZOS), 32, 0, 64, 64);
    assertThat(square.rgba()).isEqualTo(reference.rgba());
    assertThatThrownBy(() -> Resize.resize(wide, 0, 5, Resize.Filter.AREA))
        .hasMessageContaining("positive");
  }

  @Test
  void cropTakesTheRectangleAndChecksBounds() {
    RgbaImage image = TestImages.photoLike(10, 6, 5);
    RgbaImage part = Crop.crop(image, 3, 2, 4, 3);
    assertThat(ImageDecoderTest.rgbaAt(part, 1, 1)).isEqualTo(ImageDecoderTest.rgbaAt(image, 4, 3));
    assertThatThrownBy(() -> Crop.crop(image, 8, 0, 4, 3)).hasMessageContaining("does not fit");
  }
}
