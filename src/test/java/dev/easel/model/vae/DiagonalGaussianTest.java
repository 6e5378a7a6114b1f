package dev.easel.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.easel.runtime.FloatTensor;
import org.junit.jupiter.api.Test;

class DiagonalGaussianTest {
  /** Two images, 2 latent channels of 1×2: per image [mean c0, mean c1, logvar c0, logvar c1]. */
  private static final FloatTensor PARAMETERS =
      new FloatTensor(
          new long[] {2, 4, 1, 2},
          new float[] {
            1, 2, 3, 4, /* logvar */ 0, 2, -40, 25, //
            -1, -2, -3, -4, /* logvar */ 0, 0, 0, 0
          });

  @Test
  void splitsMeanAndClampedLogvarPerImage() {
    DiagonalGaussian d = DiagonalGaussian.of(PARAMETERS);
    assertThat(d.mean().shape()).containsExactly(2, 2, 1, 2);
    assertThat(d.mode().data()).containsExactly(1, 2, 3, 4, -1, -2, -3, -4);
    assertThat(d.logvar().data()).containsExactly(0, 2, -30, 20, 0, 0, 0, 0);
  }

  @Test
  void sampleIsMeanPlusStdTimesNoise() {
    DiagonalGaussian d = DiagonalGaussian.of(PARAMETERS);
    float[] ones = new float[8];
    java.util.Arrays.fill(ones, 1f);
    float[] z = d.sample(new FloatTensor(new long[] {2, 2, 1, 2}, ones)).data();
    assertThat(z[0]).isEqualTo(2f);
    assertThat((double) z[1]).isCloseTo(2 + Math.E, within(1e-6));
    assertThat((double) z[3]).isCloseTo(4 + Math.exp(10), within(1e-2));
    assertThat(z[4]).isEqualTo(0f);
  }

  @Test
  void latentScalingRoundTripsWithShift() {
    LatentScaling sd3 = new LatentScaling(1.5305, 0.0609);
    FloatTensor raw = new FloatTensor(new long[] {1, 1, 1, 2}, new float[] {0.5f, -1f});
    FloatTensor scaled = sd3.toLatentSpace(raw);
    assertThat((double) scaled.data()[0]).isCloseTo((0.5 - 0.0609) * 1.5305, within(1e-6));
    FloatTensor back = sd3.fromLatentSpace(scaled);
    assertThat((double) back.data()[1]).isCloseTo(-1, within(1e-6));
    assertThat(AutoencoderKLConfig.sd().latentScaling().toLatentSpace(raw).data()[0])
        .isEqualTo((float) (0.5 * 0.18215));
  }
}
