package dev.easel.model.unet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.unet.UNetReference.Image;
import dev.easel.model.weights.RandomWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.testing.Reference;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each UNet building block against the plain-Java double reference on random inputs. */
class UNetLayersTest {
  private static final double TOLERANCE = 1e-4;
  private static final OnnxRuntimes RUNTIMES = new OnnxRuntimes(RuntimeOptions.cpu());

  private final RandomWeights weights = new RandomWeights(7);
  private final GraphBuilder g = new GraphBuilder("block", weights);
  private final Map<String, FloatTensor> feed = new LinkedHashMap<>();

  private String input(String name, long seed, double std, long... shape) {
    Object[] dims = new Object[shape.length];
    int n = 1;
    for (int i = 0; i < shape.length; i++) {
      dims[i] = shape[i];
      n *= (int) shape[i];
    }
    feed.put(name, new FloatTensor(shape, Reference.randomNormal(seed, n, std)));
    return g.input(name, dims);
  }

  private double[] value(String name) {
    return Reference.toDouble(feed.get(name).data());
  }

  private Image image(String name) {
    long[] s = feed.get(name).shape();
    return new Image(value(name), (int) s[0], (int) s[1], (int) s[2], (int) s[3]);
  }

  private FloatTensor run(String out) {
    g.output("out", out);
    try (OnnxSession s = RUNTIMES.open(g.build())) {
      return s.runSingle(feed);
    }
  }

  private UNetLayers layers(AttentionKernel kernel) {
    return new UNetLayers(g, kernel);
  }

  @ParameterizedTest
  @CsvSource({"16, 32, 1.0", "32, 32, 1.0", "32, 16, 2.0"})
  void resnetBlock2D(int in, int out, double outputScale) {
    String x = input("x", 1, 1, 2, in, 5, 6);
    String temb = input("temb", 2, 1, 2, 24);
    String y =
        layers(AttentionKernel.MATMUL)
            .resnetBlock2D(x, g.silu(temb), "r", in, out, 24, 8, 1e-5, outputScale);
    FloatTensor actual = run(y);
    UNetReference ref = new UNetReference(weights);
    Image expected = ref.resnet(image("x"), value("temb"), 24, "r", out, 8, 1e-5, outputScale);
    assertThat(actual.shape()).containsExactly(2, out, 5, 6);
    assertThat(Reference.relativeError(actual.data(), expected.d())).isLessThan(TOLERANCE);
  }

  @ParameterizedTest
  @CsvSource({
    "false, MATMUL",
    "true, MATMUL",
    "false, MULTI_HEAD_ATTENTION",
    "true, MULTI_HEAD_ATTENTION"
  })
  void transformer2DModelWithConvAndLinearProjections(boolean linear, AttentionKernel kernel) {
    String x = input("x", 3, 1, 2, 32, 3, 5);
    String ctx = input("ctx", 4, 1, 2, 7, 24);
    String y = layers(kernel).transformer2DModel(x, ctx, "t", 32, 4, 2, 24, 8, linear);
    FloatTensor actual = run(y);
    Image expected =
        new UNetReference(weights)
            .transformer(image("x"), value("ctx"), 7, "t", 4, 2, 24, 8, linear);
    assertThat(actual.shape()).containsExactly(2, 32, 3, 5);
    assertThat(Reference.relativeError(actual.data(), expected.d())).isLessThan(TOLERANCE);
  }

  @ParameterizedTest
  @EnumSource(AttentionKernel.class)
  void basicTransformerBlockAttendsToItselfAndTheContext(AttentionKernel kernel) {
    String h = input("h", 5, 1, 2, 9, 16);
    String ctx = input("ctx", 6, 1, 2, 4, 12);
    String y = layers(kernel).basicTransformerBlock(h, ctx, "b", 16, 2, 12);
    FloatTensor actual = run(y);
    double[] expected =
        new UNetReference(weights)
            .basicTransformerBlock(value("h"), 2, 9, value("ctx"), 4, "b", 16, 2, 12);
    assertThat(Reference.relativeError(actual.data(), expected)).isLessThan(TOLERANCE);
  }

  @ParameterizedTest
  @CsvSource({"true, 0, 32", "false, 1, 32", "true, 1, 7", "false, 0, 320"})
  void timestepsMatchesGetTimestepEmbedding(boolean flip, double shift, int dim) {
    double[] t = {0, 1, 261.5, 999};
    feed.put("t", new FloatTensor(new long[] {4}, new float[] {0, 1, 261.5f, 999}));
    String y = layers(AttentionKernel.MATMUL).timesteps(g.input("t", 4L), dim, flip, shift);
    FloatTensor actual = run(y);
    assertThat(actual.shape()).containsExactly(4, dim);
    double[] expected = UNetReference.timesteps(t, dim, flip, shift);
    if (dim % 2 == 1) {
      expected = padLastColumn(expected, 4, dim);
    }
    assertThat(Reference.relativeError(actual.data(), expected)).isLessThan(TOLERANCE);
  }

  private static double[] padLastColumn(double[] rowsWithoutPad, int rows, int dim) {
    double[] out = new double[rows * dim];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(rowsWithoutPad, r * dim, out, r * dim, dim - 1);
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void downsample2D(int padding) {
    String x = input("x", 8, 1, 2, 16, 7, 8);
    FloatTensor actual = run(layers(AttentionKernel.MATMUL).downsample2D(x, "d", 16, padding));
    Image expected = new UNetReference(weights).downsample(image("x"), "d", padding);
    assertThat(actual.shape()).containsExactly(2, 16, expected.h(), expected.w());
    assertThat(Reference.relativeError(actual.data(), expected.d())).isLessThan(TOLERANCE);
  }

  @ParameterizedTest
  @CsvSource({"4, 6, 8, 12", "5, 3, 9, 5"})
  void upsample2DToTheSkipsSize(int h, int w, int oh, int ow) {
    String x = input("x", 9, 1, 1, 16, h, w);
    String skip = input("skip", 10, 1, 1, 8, oh, ow);
    FloatTensor actual = run(layers(AttentionKernel.MATMUL).upsample2D(x, skip, "u", 16));
    Image expected = new UNetReference(weights).upsample(image("x"), oh, ow, "u");
    assertThat(actual.shape()).containsExactly(1, 16, oh, ow);
    assertThat(Reference.relativeError(actual.data(), expected.d())).isLessThan(TOLERANCE);
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 6})
  void textTimeEmbeddingOfPooledTextAndTimeIds(int ids) {
    UNet2DConditionConfig cfg = UNet2DConditionConfig.tinyXl();
    int textDim = cfg.textEmbedsDim(ids);
    String text = input("text", 11, 1, 2, textDim);
    feed.put(
        "ids", new FloatTensor(new long[] {2, ids}, timeIds(ids, 1024, 768, 0, 0, 1024, 768, 512)));
    String y =
        layers(AttentionKernel.MATMUL).textTimeEmbedding(text, g.input("ids", 2L, (long) ids), cfg);
    FloatTensor actual = run(y);
    double[] expected =
        new UNetReference(weights)
            .textTimeEmbedding(value("text"), textDim, value("ids"), ids, cfg);
    assertThat(actual.shape()).containsExactly(2, cfg.timeEmbedDim());
    assertThat(Reference.relativeError(actual.data(), expected)).isLessThan(TOLERANCE);
  }

  private static float[] timeIds(int ids, float... values) {
    float[] out = new float[2 * ids];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[i % values.length];
    }
    return out;
  }
}
