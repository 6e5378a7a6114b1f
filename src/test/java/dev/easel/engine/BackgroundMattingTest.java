package dev.easel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.config.Config;
import dev.easel.image.RgbaImage;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.RuntimeOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BackgroundMattingTest {
  private static final Path MODEL = TinyMattingModel.write(32);
  private static final OnnxRuntimes RUNTIMES =
      new OnnxRuntimes(RuntimeOptions.from(Config.defaults()));

  static BackgroundMatting load(int size, BackgroundMatting.Output output) {
    return BackgroundMatting.load(
        RUNTIMES,
        new BackgroundMatting.Options(
            MODEL, size, BackgroundMatting.Normalization.IMAGENET, output));
  }

  /** A picture with detail everywhere, fully opaque. */
  static RgbaImage picture(int w, int h) {
    byte[] px = new byte[w * h * 4];
    for (int i = 0; i < w * h; i++) {
      px[i * 4] = (byte) (i * 7);
      px[i * 4 + 1] = (byte) (i * 13);
      px[i * 4 + 2] = (byte) (i / w * 5);
      px[i * 4 + 3] = (byte) 255;
    }
    return new RgbaImage(w, h, px);
  }

  @Test
  void theMatteBecomesTheAlphaAndTheColoursStay() {
    RgbaImage picture = picture(32, 32);
    try (BackgroundMatting matting = load(32, BackgroundMatting.Output.MIN_MAX)) {
      RgbaImage cut = matting.apply(picture);
      int min = 255;
      int max = 0;
      for (int i = 0; i < 32 * 32; i++) {
        min = Math.min(min, cut.rgba()[i * 4 + 3] & 0xff);
        max = Math.max(max, cut.rgba()[i * 4 + 3] & 0xff);
        for (int c = 0; c < 3; c++) {
          assertThat(cut.rgba()[i * 4 + c]).isEqualTo(picture.rgba()[i * 4 + c]);
        }
      }
      // min-max stretches the matte over the whole range at the model's own size
      assertThat(min).isZero();
      assertThat(max).isEqualTo(255);
    }
  }

  @Test
  void otherSizesGetTheMatteResizedAndKeepTheirTransparentPixels() {
    byte[] px = picture(80, 48).rgba();
    px[3] = 0;
    try (BackgroundMatting matting = load(32, BackgroundMatting.Output.SIGMOID)) {
      RgbaImage cut = matting.apply(new RgbaImage(80, 48, px));
      assertThat(cut.width()).isEqualTo(80);
      assertThat(cut.height()).isEqualTo(48);
      assertThat(cut.alpha(0, 0)).isZero();
      assertThat(
              java.util.stream.IntStream.range(0, 80 * 48)
                  .map(i -> cut.rgba()[i * 4 + 3] & 0xff)
                  .distinct()
                  .count())
          .isGreaterThan(10);
    }
  }

  @Test
  void aSizeTheModelDoesNotTakeIsRefusedAtLoad() {
    assertThatThrownBy(() -> load(64, BackgroundMatting.Output.MIN_MAX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not run as a matting model");
  }
}
