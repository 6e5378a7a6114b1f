package dev.easel.model.clip;

import static dev.easel.testing.Reference.randomNormal;
import static dev.easel.testing.Reference.relativeError;
import static dev.easel.testing.Reference.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.weights.RandomWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Each part of the CLIP text transformer against the plain-Java double reference. */
class CLIPTextBlocksTest {
  private static final int BATCH = 2;
  private static final int SEQ = 9;
  private static final int HIDDEN = 32;

  private final OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());
  private final RandomWeights weights = new RandomWeights(11);

  private static CLIPTextConfig config(String act) {
    return new CLIPTextConfig(60, HIDDEN, 37, 2, 4, SEQ, act, 1e-5, 24, 58, 59, 59, false);
  }

  private float[] run(float[] x, BiFunction<GraphBuilder, String, String> block) {
    GraphBuilder g = new GraphBuilder("block", weights);
    String in = g.input("x", "batch", (long) SEQ, (long) HIDDEN);
    g.output("y", block.apply(g, in), "batch", (long) SEQ, (long) HIDDEN);
    try (OnnxSession s = runtimes.open(g.build())) {
      return s.runSingle(Map.of("x", new FloatTensor(new long[] {BATCH, SEQ, HIDDEN}, x))).data();
    }
  }

  /** The reference applied to each batch item of x. */
  private static double[] perItem(float[] x, java.util.function.UnaryOperator<double[]> f) {
    double[] out = new double[x.length];
    int item = SEQ * HIDDEN;
    for (int b = 0; b < BATCH; b++) {
      double[] y = f.apply(toDouble(Arrays.copyOfRange(x, b * item, (b + 1) * item)));
      System.arraycopy(y, 0, out, b * item, item);
    }
    return out;
  }

  @Test
  void causalAttentionMatchesTheReferenceAndNeverLooksAhead() {
    CLIPTextConfig cfg = config("quick_gelu");
    float[] x = randomNormal(1, BATCH * SEQ * HIDDEN, 1);
    BiFunction<GraphBuilder, String, String> attention =
        (g, in) ->
            CLIPTextTransformer.attention(
                g, in, CLIPTextTransformer.causalMask(g, SEQ), "layer", cfg);
    float[] y = run(x, attention);
    double[] expected =
        perItem(x, item -> new CLIPTextReference(cfg, weights).attention(item, "layer"));
    assertThat(relativeError(y, expected)).isLessThan(1e-4);

    float[] changedLast = x.clone();
    for (int c = 0; c < HIDDEN; c++) {
      changedLast[(SEQ - 1) * HIDDEN + c] += 3;
    }
    float[] y2 = run(changedLast, attention);
    int before = (SEQ - 1) * HIDDEN;
    assertThat(Arrays.copyOf(y2, before)).containsExactly(Arrays.copyOf(y, before));
    assertThat(y2[before]).isNotEqualTo(y[before]);
  }

  @Test
  void encoderLayerMatchesTheReference() {
    CLIPTextConfig cfg = config("gelu");
    float[] x = randomNormal(2, BATCH * SEQ * HIDDEN, 1);
    float[] y =
        run(
            x,
            (g, in) ->
                CLIPTextTransformer.encoderLayer(
                    g, in, CLIPTextTransformer.causalMask(g, SEQ), "enc", cfg));
    double[] expected =
        perItem(x, item -> new CLIPTextReference(cfg, weights).encoderLayer(item, "enc"));
    assertThat(relativeError(y, expected)).isLessThan(1e-4);
  }

  @Test
  void finalLayerNormUsesTheConfiguredEpsilon() {
    CLIPTextConfig cfg =
        new CLIPTextConfig(60, HIDDEN, 37, 2, 4, SEQ, "gelu", 0.5, 24, 58, 59, 59, false);
    float[] x = randomNormal(3, BATCH * SEQ * HIDDEN, 0.5);
    float[] y = run(x, (g, in) -> CLIPTextTransformer.finalLayerNorm(g, in, cfg));
    double[] expected = new CLIPTextReference(cfg, weights).finalLayerNorm(toDouble(x));
    assertThat(relativeError(y, expected)).isLessThan(1e-4);
    double[] withDefaultEps =
        new CLIPTextReference(config("gelu"), weights).finalLayerNorm(toDouble(x));
    assertThat(relativeError(y, withDefaultEps)).isGreaterThan(1e-2);
  }

  @Test
  void mlpWithQuickGeluAndWithExactGelu() {
    float[] x = randomNormal(4, BATCH * SEQ * HIDDEN, 1.5);
    float[][] results = new float[2][];
    String[] acts = {"quick_gelu", "gelu"};
    for (int i = 0; i < acts.length; i++) {
      CLIPTextConfig cfg = config(acts[i]);
      results[i] = run(x, (g, in) -> CLIPTextTransformer.mlp(g, in, "m", cfg));
      double[] expected = new CLIPTextReference(cfg, weights).mlp(toDouble(x), "m");
      assertThat(relativeError(results[i], expected)).as(acts[i]).isLessThan(1e-4);
    }
    assertThat(relativeError(results[0], toDouble(results[1]))).isGreaterThan(1e-3);
  }

  private int[] poolPositions(long eos, long[][] ids) {
    CLIPTextConfig cfg =
        new CLIPTextConfig(
            49408, 1, 4, 1, 1, ids[0].length, "gelu", 1e-5, 1, 0, (int) eos, 1, false);
    GraphBuilder g = new GraphBuilder("pool", weights);
    String hidden = g.input("hidden", "batch", (long) ids[0].length, 1L);
    String in = g.input("input_ids", TensorProto.DataType.INT64, "batch", (long) ids[0].length);
    g.output("pooled", CLIPTextTransformer.pool(g, hidden, in, cfg), "batch", 1L);
    float[] positions = new float[ids.length * ids[0].length];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i % ids[0].length;
    }
    FloatTensor pooled;
    try (OnnxSession s = runtimes.open(g.build())) {
      pooled =
          s.runSingle(
              Map.of(
                  "hidden",
                  new FloatTensor(new long[] {ids.length, ids[0].length, 1}, positions),
                  "input_ids",
                  ids));
    }
    int[] out = new int[ids.length];
    for (int b = 0; b < ids.length; b++) {
      out[b] = (int) pooled.data()[b];
    }
    assertThat(out).containsExactly(CLIPTextReference.poolIndex(ids, eos));
    return out;
  }

  @Test
  void poolingTakesTheLargestIdWhenEveryRowEndsWith49407() {
    long[][] ids = {{49406, 2, 320, 49407, 49407, 49407}, {49406, 320, 1125, 2, 539, 49407}};
    // a legacy config (eos_token_id 2): the 2s are ordinary tokens, pooling follows argmax
    assertThat(poolPositions(2, ids)).containsExactly(3, 5);
    // OpenCLIP padding with 0 after the end token
    assertThat(poolPositions(49407, new long[][] {{49406, 320, 49407, 0, 0, 0}}))
        .containsExactly(2);
  }

  @Test
  void poolingTakesTheFirstEndTokenOtherwise() {
    // tiny vocabulary: the end id is not the largest id of the row
    long[][] ids = {{7, 40, 5, 33, 5, 5}, {7, 5, 12, 50, 5, 5}};
    assertThat(poolPositions(5, ids)).containsExactly(2, 1);
    // one row without 49407 switches the whole batch to the first-eos rule
    long[][] mixed = {{49406, 2, 49407, 49407, 49407, 49407}, {49406, 320, 2, 2, 2, 2}};
    assertThat(poolPositions(2, mixed)).containsExactly(1, 2);
  }
}
