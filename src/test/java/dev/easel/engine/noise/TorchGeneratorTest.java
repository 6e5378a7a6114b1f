package dev.easel.engine.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TorchGeneratorTest {

  private static void assertPrinted(float[] actual, double... printed) {
    assertThat(actual).hasSize(printed.length);
    for (int i = 0; i < printed.length; i++) {
      assertThat((double) actual[i]).as("element %d", i).isCloseTo(printed[i], within(0.00006));
    }
  }

  @Test
  void mersenneTwisterMatchesTheStandardSequence() {
    // std::mt19937 reference outputs: seed 5489 starts 3499211612; the 10000th value is 4123659995.
    TorchGenerator standard = new TorchGenerator(5489);
    assertThat(standard.nextUint32()).isEqualTo(3499211612L);
    for (int i = 2; i < 10000; i++) {
      standard.nextUint32();
    }
    assertThat(standard.nextUint32()).isEqualTo(4123659995L);
    assertThat(new TorchGenerator(0).nextUint32()).isEqualTo(2357136044L);
  }

  @Test
  void smallTensorsTakeTheScalarPath() {
    // torch.manual_seed(0); torch.randn(2, 3) and torch.manual_seed(42); torch.randn(2, 3)
    assertPrinted(
        new TorchGenerator(0).randn(6), 1.5410, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986);
    assertPrinted(
        new TorchGenerator(42).randn(6), 0.3367, 0.1288, 0.2345, 0.2303, -1.1229, -0.1863);
  }

  @Test
  void sixteenElementsTakeTheBlockPath() {
    // torch.manual_seed(0); torch.randn(4, 4)
    assertPrinted(
        new TorchGenerator(0).randn(16),
        -1.1258,
        -1.1524,
        -0.2506,
        -0.4339,
        0.8487,
        0.6920,
        -0.3160,
        -2.1152,
        0.3223,
        -1.2633,
        0.3500,
        0.3081,
        0.1198,
        1.2377,
        1.1168,
        -0.2473);
  }

  @Test
  void aPartialLastBlockIsRecomputed() {
    // torch.manual_seed(0); torch.randn(10, 4): 40 values, the last 16 drawn again
    assertPrinted(
        new TorchGenerator(0).randn(40),
        -1.1258,
        -1.1524,
        -0.2506,
        -0.4339,
        0.8487,
        0.6920,
        -0.3160,
        -2.1152,
        0.3223,
        -1.2633,
        0.3500,
        0.3081,
        0.1198,
        1.2377,
        1.1168,
        -0.2473,
        -1.3527,
        -1.6959,
        0.5667,
        0.7935,
        0.5988,
        -1.5551,
        -0.3414,
        1.8530,
        -0.2159,
        -0.7425,
        0.5627,
        0.2596,
        -0.1740,
        -0.6787,
        0.9383,
        0.4889,
        1.2032,
        0.0845,
        -1.2001,
        -0.0048,
        -0.5181,
        -0.3067,
        -1.5810,
        1.7066);
    // torch.manual_seed(0); torch.randn(3, 3, 3): 27 values, the last block overlaps the first
    assertPrinted(
        new TorchGenerator(0).randn(27),
        -1.1258,
        -1.1524,
        -0.2506,
        -0.4339,
        0.8487,
        0.6920,
        -0.3160,
        -2.1152,
        0.3223,
        -1.2633,
        0.3500,
        0.2660,
        0.1665,
        0.8744,
        -0.1435,
        -0.1116,
        -0.6136,
        0.0316,
        -0.4927,
        0.0537,
        0.6181,
        -0.4128,
        -0.8411,
        -2.3160,
        -0.1023,
        0.7924,
        -0.2897);
  }

  @Test
  void consecutiveDrawsContinueTheStream() {
    // torch.manual_seed(0); torch.randn(4, 4); torch.randn(4, 4): the second tensor
    TorchGenerator generator = new TorchGenerator(0);
    generator.randn(16);
    assertPrinted(
        generator.randn(16),
        -1.3527,
        -1.6959,
        0.5667,
        0.7935,
        0.5988,
        -1.5551,
        -0.3414,
        1.8530,
        0.7502,
        -0.5855,
        -0.1734,
        0.1835,
        1.3894,
        1.5863,
        0.9463,
        -0.8437);
  }

  @Test
  void batchNoiseGivesEachImageItsOwnStream() {
    float[] batch = new BatchNoise(7, 0, 7).sampleLike(new float[3 * 32]);
    float[] alone = new TorchGenerator(0).randn(32);
    float[] seven = new TorchGenerator(7).randn(32);
    for (int i = 0; i < 32; i++) {
      assertThat(batch[i]).isEqualTo(seven[i]);
      assertThat(batch[32 + i]).isEqualTo(alone[i]);
      assertThat(batch[64 + i]).isEqualTo(seven[i]);
    }
    assertThatThrownBy(() -> new BatchNoise(1, 2).fill(new float[33]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 images");
  }

  @Test
  void gaussianMomentsOverALargeDraw() {
    float[] x = new TorchGenerator(123).randn(200_000);
    double sum = 0;
    double squares = 0;
    for (float v : x) {
      sum += v;
      squares += v * v;
    }
    assertThat(sum / x.length).isCloseTo(0, within(0.01));
    assertThat(squares / x.length).isCloseTo(1, within(0.01));
  }
}
