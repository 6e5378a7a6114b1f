package dev.easel.model.unet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.weights.RandomWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.testing.Reference;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The full-size SD-Turbo UNet (random weights, 3.5 GB) run at 64×64 latents, once per attention
 * kernel: both kernels must agree, and the timings are printed.
 */
@Tag("slow")
class UNetFullSizeTest {
  private static final int RUNS = 3;

  @Test
  void sdTurboRunsAt64x64WithEitherAttentionKernel() {
    UNet2DConditionConfig cfg = UNet2DConditionConfig.sdTurbo();
    RandomWeights weights = new RandomWeights(2024);
    Map<String, FloatTensor> feed =
        Map.of(
            UNet2DConditionModel.SAMPLE,
            new FloatTensor(new long[] {1, 4, 64, 64}, Reference.randomNormal(1, 4 * 64 * 64, 1)),
            UNet2DConditionModel.TIMESTEP,
            new FloatTensor(new long[] {1}, new float[] {999}),
            UNet2DConditionModel.ENCODER_HIDDEN_STATES,
            new FloatTensor(new long[] {1, 77, 1024}, Reference.randomNormal(2, 77 * 1024, 1)));
    OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());
    Map<AttentionKernel, FloatTensor> outputs = new EnumMap<>(AttentionKernel.class);
    for (AttentionKernel kernel : AttentionKernel.values()) {
      long start = System.nanoTime();
      OnnxGraph graph = UNet2DConditionModel.build(cfg, weights, kernel);
      long built = System.nanoTime();
      try (OnnxSession session = runtimes.open(graph)) {
        long opened = System.nanoTime();
        double[] seconds = new double[RUNS];
        FloatTensor out = null;
        for (int i = 0; i < RUNS; i++) {
          long t0 = System.nanoTime();
          out = session.runSingle(feed);
          seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        outputs.put(kernel, out);
        System.out.printf(
            "sdTurbo 64x64 batch 1, %s: build %.1f s, session %.1f s, forward %s s%n",
            kernel, (built - start) / 1e9, (opened - built) / 1e9, Arrays.toString(seconds));
      }
    }
    FloatTensor plain = outputs.get(AttentionKernel.MATMUL);
    assertThat(plain.shape()).containsExactly(1, 4, 64, 64);
    for (float v : plain.data()) {
      assertThat(Float.isFinite(v)).isTrue();
    }
    assertThat(
            Reference.relativeError(
                outputs.get(AttentionKernel.MULTI_HEAD_ATTENTION).data(),
                Reference.toDouble(plain.data())))
        .isLessThan(1e-4);
  }

  /** Self- and cross-attention of SD-Turbo's first level (4096 tokens, 5 heads of 64) alone. */
  @Test
  void attentionKernelsAtTheFirstLevelOf64x64Latents() {
    RandomWeights weights = new RandomWeights(7);
    Map<String, FloatTensor> feed =
        Map.of(
            "h",
            new FloatTensor(new long[] {1, 4096, 320}, Reference.randomNormal(1, 4096 * 320, 1)),
            "ctx",
            new FloatTensor(new long[] {1, 77, 1024}, Reference.randomNormal(2, 77 * 1024, 1)));
    OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());
    Map<AttentionKernel, OnnxSession> sessions = new EnumMap<>(AttentionKernel.class);
    Map<AttentionKernel, double[]> seconds = new EnumMap<>(AttentionKernel.class);
    try {
      for (AttentionKernel kernel : AttentionKernel.values()) {
        GraphBuilder g = new GraphBuilder("attention", weights);
        UNetLayers l = new UNetLayers(g, kernel);
        String h = g.input("h", 1L, 4096L, 320L);
        String ctx = g.input("ctx", 1L, 77L, 1024L);
        String self = l.attention(h, h, "attn1", 320, 320, 5);
        g.output("out", g.add(self, l.attention(self, ctx, "attn2", 320, 1024, 5)));
        sessions.put(kernel, runtimes.open(g.build()));
        seconds.put(kernel, new double[RUNS * 2]);
      }
      for (int i = 0; i < RUNS * 2; i++) {
        for (AttentionKernel kernel : AttentionKernel.values()) {
          long t0 = System.nanoTime();
          sessions.get(kernel).runSingle(feed);
          seconds.get(kernel)[i] = (System.nanoTime() - t0) / 1e9;
        }
      }
    } finally {
      sessions.values().forEach(OnnxSession::close);
    }
    seconds.forEach(
        (kernel, s) -> {
          Arrays.sort(s);
          System.out.printf(
              "attn1+attn2, 4096 tokens x 320, %s: median %.3f s, best %.3f s%n",
              kernel, s[s.length / 2], s[0]);
        });
    assertThat(seconds).hasSize(2);
  }
}
