package dev.easel.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutpaintTest {
  @Test
  void extendedCanvasRegeneratesOnlyTheNewArea() {
    RgbaImage image = TestImages.photoLike(12, 8, 1);
    RgbaImage canvas = Outpaint.extend(image, 3, 2, 5, 4);
    assertThat(canvas.width()).isEqualTo(20);
    assertThat(canvas.height()).isEqualTo(14);
    RgbaImage generated = TestImages.photoLike(20, 14, 2);
    RgbaImage out = InpaintMask.composite(canvas, generated, InpaintMask.fromAlpha(canvas));
    for (int y = 0; y < 14; y++) {
      for (int x = 0; x < 20; x++) {
        boolean inside = x >= 3 && x < 15 && y >= 2 && y < 10;
        int[] expected =
            inside
                ? ImageDecoderTest.rgbaAt(image, x - 3, y - 2)
                : ImageDecoderTest.rgbaAt(generated, x, y);
        assertThat(ImageDecoderTest.rgbaAt(out, x, y)).as("(%d, %d)", x, y).isEqualTo(expected);
        assertThat(canvas.alpha(x, y)).isEqualTo(inside ? 255 : 0);
      }
    }
  }

  @Test
  void placeChecksTheImageFits() {
    RgbaImage image = TestImages.photoLike(4, 4, 1);
    RgbaImage canvas = Outpaint.place(image, 10, 6, 6, 2);
    assertThat(ImageDecoderTest.rgbaAt(canvas, 9, 5))
        .isEqualTo(ImageDecoderTest.rgbaAt(image, 3, 3));
    assertThat(canvas.alpha(5, 2)).isZero();
    assertThatThrownBy(() -> Outpaint.place(image, 10, 6, 7, 2))
        .hasMessageContaining("does not fit");
    assertThatThrownBy(() -> Outpaint.extend(image, -1, 0, 0, 0)).hasMessageContaining("negative");
  }
}
