package dev.easel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ReferenceTest {
  @Test
  void erfMatchesKnownValues() {
    assertThat(Reference.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-12));
    assertThat(Reference.erf(1.0)).isCloseTo(0.8427007929497149, within(1e-12));
    assertThat(Reference.erf(3.0)).isCloseTo(0.9999779095030014, within(1e-12));
    assertThat(Reference.erf(-2.0)).isCloseTo(-0.9953222650189527, within(1e-12));
  }

  @Test
  void conv2dOfAnIdentityKernelCopiesTheInput() {
    double[] x = {1, 2, 3, 4};
    float[] w = {0, 0, 0, 0, 1, 0, 0, 0, 0};
    assertThat(Reference.conv2d(x, 1, 1, 2, 2, w, null, 1, 3, 1, 1, 1, 1, 1)).containsExactly(x);
  }
}
