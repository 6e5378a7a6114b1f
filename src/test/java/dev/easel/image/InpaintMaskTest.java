package dev.easel.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class InpaintMaskTest {
  private final RgbaImage original = TestImages.photoLike(16, 8, 1);
  private final RgbaImage generated = TestImages.photoLike(16, 8, 2);

  /** Alpha 0 in the left quarter, 255 in the right half, 64 and 191 in between. */
  private static RgbaImage mask() {
    RgbaImage mask = TestImages.solid(16, 8, 0, 0, 0, 255);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        mask.rgba()[(y * 16 + x) * 4 + 3] = (byte) (x < 4 ? 0 : x < 6 ? 64 : 191);
      }
    }
    return mask;
  }

  @Test
  void transparentRegeneratesAndOpaqueKeepsExactly() {
    InpaintMask mask = InpaintMask.of(original, mask());
    RgbaImage out = InpaintMask.composite(original, generated, mask);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 16; x++) {
        for (int c = 0; c < 4; c++) {
          if (x < 4) {
            assertThat(out.channel(x, y, c)).isEqualTo(generated.channel(x, y, c));
          } else if (x >= 8) {
            assertThat(out.channel(x, y, c)).isEqualTo(original.channel(x, y, c));
          }
        }
      }
    }
    assertThat(mask.regeneratesAnything()).isTrue();
  }

  @Test
  void softEdgesBlendProportionally() {
    InpaintMask mask = InpaintMask.of(original, mask());
    RgbaImage out = InpaintMask.composite(original, generated, mask);
    for (int x : new int[] {4, 6}) {
      double keep = x == 4 ? 64 / 255.0 : 191 / 255.0;
      assertThat(mask.keep()[3 * 16 + x]).isCloseTo((float) keep, within(1e-6f));
      for (int c = 0; c < 3; c++) {
        double expected =
            original.channel(x, 3, c) * keep + generated.channel(x, 3, c) * (1 - keep);
        assertThat((double) out.channel(x, 3, c)).isCloseTo(expected, within(0.51));
      }
    }
  }

  @Test
  void withoutMaskTheImagesOwnAlphaDecides() {
    RgbaImage image = TestImages.withAlphaRamp(16, 8);
    InpaintMask mask = InpaintMask.fromAlpha(image);
    assertThat(mask.keep()[0]).isZero();
    assertThat(mask.keep()[15]).isEqualTo(1f);
    assertThat(InpaintMask.of(image, null).keep()).isEqualTo(mask.keep());
    assertThat(InpaintMask.fromAlpha(original).regeneratesAnything()).isFalse();
  }

  @Test
  void sizeMismatchNamesBothSizes() {
    RgbaImage small = TestImages.solid(8, 8, 0, 0, 0, 0);
    assertThatThrownBy(() -> InpaintMask.of(original, small))
        .isInstanceOf(MaskSizeException.class)
        .hasMessage("mask size 8x8 does not match image size 16x8");
    InpaintMask mask = InpaintMask.fromAlpha(original);
    assertThatThrownBy(() -> InpaintMask.composite(original, small, mask))
        .isInstanceOf(MaskSizeException.class);
  }

  @Test
  void latentMasksFollowDiffusers() {
    InpaintMask mask = InpaintMask.of(original, mask());
    // 4x4 blocks: block 0 = x 0..3 all regenerate, block 1 = x 4..7 half 64 half 191
    float[] latent = mask.latentRegenerate(4);
    assertThat(latent).hasSize(8);
    assertThat(latent[0]).isEqualTo(1f);
    assertThat(latent[1]).isCloseTo(1 - (64 + 191) / 510f, within(1e-6f));
    assertThat(latent[2]).isZero();
    float[] binary = mask.binaryRegenerate();
    assertThat(binary[4]).isEqualTo(1f); // alpha 64 → regenerate 0.75 ≥ 0.5
    assertThat(binary[6]).isZero(); // alpha 191 → regenerate 0.25
    assertThat(mask.binaryRegenerateLatent(4)).containsExactly(1, 1, 0, 0, 1, 1, 0, 0);
    assertThatThrownBy(() -> mask.latentRegenerate(3)).hasMessageContaining("multiple of 3");
  }

  @Test
  void maskedImageZeroesTheRegionToRegenerate() {
    InpaintMask mask = InpaintMask.of(original, mask());
    float[] masked = mask.maskedImage(original);
    float[] full = Tensors.toNchw(original, Tensors.Range.MINUS_ONE_TO_ONE);
    int plane = 16 * 8;
    for (int c = 0; c < 3; c++) {
      assertThat(masked[c * plane + 2 * 16 + 5]).isZero();
      assertThat(masked[c * plane + 2 * 16 + 7]).isEqualTo(full[c * plane + 2 * 16 + 7]);
    }
  }
}
