package dev.easel.model.onnx;

import static dev.easel.testing.Reference.randomNormal;
import static dev.easel.testing.Reference.relativeError;
import static dev.easel.testing.Reference.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.model.weights.RandomWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.testing.Reference;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each layer helper of GraphBuilder against the plain-Java double reference. */
class GraphBuilderTest {
  private final OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());
  private final RandomWeights weights = new RandomWeights(7);

  private FloatTensor run(long[] shape, float[] input, BiFunction<GraphBuilder, String, String> f) {
    GraphBuilder g = new GraphBuilder("test", weights);
    Object[] dims = new Object[shape.length];
    for (int i = 0; i < shape.length; i++) {
      dims[i] = shape[i];
    }
    String x = g.input("x", dims);
    g.output("y", f.apply(g, x));
    try (OnnxSession s = runtimes.open(g.build())) {
      return s.runSingle(Map.of("x", new FloatTensor(shape, input)));
    }
  }

  private float[] w(String key, long... shape) {
    ByteBuffer b = weights.float32(key, shape);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  @Test
  void conv2dWithStrideAndPadding() {
    float[] x = randomNormal(1, 2 * 3 * 9 * 7, 1);
    FloatTensor y =
        run(new long[] {2, 3, 9, 7}, x, (g, in) -> g.conv2d(in, "conv", 3, 5, 3, 2, 1, true));
    double[] expected =
        Reference.conv2d(
            toDouble(x),
            2,
            3,
            9,
            7,
            w("conv.weight", 5, 3, 3, 3),
            w("conv.bias", 5),
            5,
            3,
            2,
            1,
            1,
            1,
            1);
    assertThat(y.shape()).containsExactly(2, 5, 5, 4);
    assertThat(relativeError(y.data(), expected)).isLessThan(1e-4);
  }

  @ParameterizedTest(name = "F{0}, tiles by ConvTranspose: {1}")
  @CsvSource({"2, false", "4, false", "2, true", "4, true"})
  void winogradConvolutionMatchesTheDirectOneOnEvenAndOddSizes(
      int tile, boolean tilesByConvTranspose) {
    for (int[] hw : new int[][] {{8, 6}, {7, 9}, {1, 2}, {12, 5}}) {
      int h = hw[0];
      int w = hw[1];
      float[] x = randomNormal(4, 2 * 5 * h * w, 1);
      for (boolean bias : new boolean[] {true, false}) {
        FloatTensor y =
            run(
                new long[] {2, 5, h, w},
                x,
                (g, in) -> {
                  if (tilesByConvTranspose) {
                    g.assembleWinogradTilesByConvTranspose();
                  }
                  return g.conv2dWinograd(in, "wconv" + bias, 5, 3, bias, Winograd.ofTile(tile));
                });
        float[] b = bias ? w("wconv" + bias + ".bias", 3) : new float[3];
        double[] expected =
            Reference.conv2d(
                toDouble(x),
                2,
                5,
                h,
                w,
                w("wconv" + bias + ".weight", 3, 5, 3, 3),
                b,
                3,
                3,
                1,
                1,
                1,
                1,
                1);
        assertThat(y.shape()).containsExactly(2, 3, h, w);
        assertThat(relativeError(y.data(), expected)).as("%dx%d", h, w).isLessThan(1e-5);
      }
    }
  }

  @Test
  void convolutionsSwitchToWinogradOnlyWhereAskedAndOnlyFor3x3Stride1() {
    GraphBuilder g = new GraphBuilder("test", weights);
    String x = g.input("x", 1L, 4L, 8L, 8L);
    g.useWinograd(2);
    String y = g.conv2d(x, "a", 4, 4, 3, 1, 1, true);
    y = g.conv2d(y, "b", 4, 4, 3, 2, 1, true);
    y = g.conv2d(y, "c", 4, 4, 1, 1, 0, true);
    g.useWinograd(4, 4);
    y = g.conv2d(y, "e", 4, 6, 3, 1, 1, true);
    y = g.conv2d(y, "f", 6, 4, 3, 1, 1, true);
    g.useWinograd(0);
    g.output("y", g.conv2d(y, "d", 4, 4, 3, 1, 1, true));
    OnnxGraph graph = g.build();
    assertThat(graph.initializers().keySet())
        .contains("a.weight.winograd2", "b.weight", "c.weight", "e.weight.winograd4", "f.weight")
        .contains("d.weight")
        .doesNotContain("a.weight", "e.weight", "f.weight.winograd4", "d.weight.winograd2");
    assertThat(graph.initializers().keySet().stream().filter(GraphBuilder::isWinogradFilter))
        .containsExactlyInAnyOrder("a.weight.winograd2", "e.weight.winograd4");
    assertThatThrownBy(() -> g.useWinograd(3)).hasMessageContaining("2 or 4");
  }

  @Test
  void aLinearInPartsGivesTheColumnsOfTheWholeOne() {
    float[] x = randomNormal(3, 2 * 4 * 6, 1);
    FloatTensor y =
        run(new long[] {2, 4, 6}, x, (g, in) -> g.concat(-1, g.linearParts(in, "fc", 6, 2, 3)));
    double[] expected =
        Reference.linear(toDouble(x), 8, 6, w("fc.weight", 5, 6), w("fc.bias", 5), 5);
    assertThat(y.shape()).containsExactly(2, 4, 5);
    assertThat(relativeError(y.data(), expected)).isLessThan(1e-4);
    GraphBuilder g = new GraphBuilder("test", weights);
    assertThatThrownBy(() -> g.weightParts("fc.weight", new long[] {2, 2}, 5, 6))
        .hasMessageContaining("parts of 4 rows, not 5");
  }

  @Test
  void linearOnTheLastAxis() {
    float[] x = randomNormal(2, 2 * 4 * 6, 1);
    FloatTensor y = run(new long[] {2, 4, 6}, x, (g, in) -> g.linear(in, "fc", 6, 3, true));
    double[] expected =
        Reference.linear(toDouble(x), 8, 6, w("fc.weight", 3, 6), w("fc.bias", 3), 3);
    assertThat(relativeError(y.data(), expected)).isLessThan(1e-4);
  }

  @Test
  void groupNormOverChannelGroups() {
    float[] x = randomNormal(3, 2 * 8 * 5 * 5, 2);
    FloatTensor y = run(new long[] {2, 8, 5, 5}, x, (g, in) -> g.groupNorm(in, "norm", 4, 8, 1e-6));
    double[] expected =
        Reference.groupNorm(toDouble(x), 2, 8, 25, 4, w("norm.weight", 8), w("norm.bias", 8), 1e-6);
    assertThat(relativeError(y.data(), expected)).isLessThan(1e-4);
  }

  @Test
  void layerNormAndActivations() {
    float[] x = randomNormal(4, 3 * 10, 1.5);
    FloatTensor y = run(new long[] {3, 10}, x, (g, in) -> g.gelu(g.layerNorm(in, "ln", 10, 1e-5)));
    double[] ln =
        Reference.layerNorm(toDouble(x), 3, 10, w("ln.weight", 10), w("ln.bias", 10), 1e-5);
    for (int i = 0; i < ln.length; i++) {
      ln[i] = Reference.gelu(ln[i]);
    }
    assertThat(relativeError(y.data(), ln)).isLessThan(1e-4);

    FloatTensor q = run(new long[] {3, 10}, x, (g, in) -> g.silu(g.quickGelu(in)));
    double[] expected = toDouble(x);
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Reference.silu(Reference.quickGelu(expected[i]));
    }
    assertThat(relativeError(q.data(), expected)).isLessThan(1e-4);
  }
}
