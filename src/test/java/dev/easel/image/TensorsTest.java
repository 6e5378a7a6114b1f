package dev.easel.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TensorsTest {
  @Test
  void roundTripsABatchExactly() {
    RgbaImage a = TestImages.photoLike(7, 5, 1);
    RgbaImage b = TestImages.photoLike(7, 5, 2);
    for (Tensors.Range range : Tensors.Range.values()) {
      float[] tensor = Tensors.toNchw(List.of(a, b), range);
      assertThat(tensor).hasSize(2 * 3 * 5 * 7);
      List<RgbaImage> back = Tensors.fromNchw(tensor, 2, 5, 7, range);
      assertThat(back.get(0).rgba()).isEqualTo(a.rgba());
      assertThat(back.get(1).rgba()).isEqualTo(b.rgba());
    }
  }

  @Test
  void layoutIsNchwWithDiffusersScaling() {
    RgbaImage image = TestImages.solid(2, 1, 255, 0, 51, 10);
    float[] minusOne = Tensors.toNchw(image, Tensors.Range.MINUS_ONE_TO_ONE);
    assertThat(minusOne).containsExactly(1f, 1f, -1f, -1f, -0.6f, -0.6f);
    float[] zeroOne = Tensors.toNchw(image, Tensors.Range.ZERO_TO_ONE);
    assertThat(zeroOne).containsExactly(1f, 1f, 0f, 0f, 0.2f, 0.2f);
  }

  @Test
  void clampsAndMakesOpaque() {
    float[] tensor = {-3f, 0f, 5f, Float.NaN, 0.5f, 0.5f};
    RgbaImage image = Tensors.fromNchw(tensor, 1, 1, 2, Tensors.Range.MINUS_ONE_TO_ONE).get(0);
    assertThat(ImageDecoderTest.rgbaAt(image, 0, 0)).containsExactly(0, 255, 191, 255);
    assertThat(ImageDecoderTest.rgbaAt(image, 1, 0)).containsExactly(128, 0, 191, 255);
    assertThatThrownBy(() -> Tensors.fromNchw(tensor, 2, 1, 2, Tensors.Range.ZERO_TO_ONE))
        .hasMessageContaining("expected 12 values");
  }
}
