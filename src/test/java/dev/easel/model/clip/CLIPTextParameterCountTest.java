package dev.easel.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.weights.RandomWeights;
import dev.easel.model.weights.Weights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.testing.ShapeRecorder;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The full-size architectures ask for exactly the parameters of the published checkpoints
 * (transformers' counts, the non-persistent position_ids buffer excluded).
 */
class CLIPTextParameterCountTest {
  private static final long VIT_L = 123_060_480L;
  private static final long VIT_H_23_LAYERS = 340_387_840L;
  private static final long BIG_G_WITH_PROJECTION = 694_659_840L;

  private static long count(CLIPTextConfig cfg) {
    ShapeRecorder w = new ShapeRecorder();
    build(cfg, w);
    return w.parameters();
  }

  private static OnnxGraph build(CLIPTextConfig cfg, Weights w) {
    return cfg.withProjection()
        ? CLIPTextModelWithProjection.build(cfg, w, CLIPTextModel.Options.DEFAULT)
        : CLIPTextModel.build(cfg, w, CLIPTextModel.Options.DEFAULT);
  }

  @Test
  void fullSizeShapesHaveThePublishedParameterCounts() {
    assertThat(count(CLIPTextConfig.sd15())).isEqualTo(VIT_L);
    assertThat(count(CLIPTextConfig.sdxl1())).isEqualTo(VIT_L);
    assertThat(count(CLIPTextConfig.sd21())).isEqualTo(VIT_H_23_LAYERS);
    assertThat(count(CLIPTextConfig.sdxl2())).isEqualTo(BIG_G_WITH_PROJECTION);
    // tiny: embeddings, two layers and the final LayerNorm by hand
    assertThat(count(CLIPTextConfig.tiny(1000)))
        .isEqualTo(
            1000 * 32 + 77 * 32 + 2 * (4 * (32 * 32 + 32) + 4 * 32 + 2 * 32 * 37 + 37 + 32) + 64);
  }

  @Test
  @Tag("slow")
  void fullSizeRandomModelsAllocateThePublishedParameterCounts() {
    for (Map.Entry<CLIPTextConfig, Long> e :
        Map.of(
                CLIPTextConfig.sd15(), VIT_L,
                CLIPTextConfig.sd21(), VIT_H_23_LAYERS,
                CLIPTextConfig.sdxl2(), BIG_G_WITH_PROJECTION)
            .entrySet()) {
      OnnxGraph graph = build(e.getKey(), new RandomWeights(1));
      assertThat(graph.weightBytes() / 4).isEqualTo(e.getValue());
    }
  }

  @Test
  @Tag("slow")
  void fullSizeVitLRunsOnOnnxRuntime() {
    CLIPTextConfig cfg = CLIPTextConfig.sd15();
    long[][] ids = new long[2][77];
    for (long[] row : ids) {
      Arrays.fill(row, 49407);
      row[0] = 49406;
      row[1] = 320;
    }
    try (OnnxSession s =
        new OnnxRuntimes(RuntimeOptions.cpu()).open(build(cfg, new RandomWeights(1)))) {
      Map<String, FloatTensor> out = s.run(Map.of(CLIPTextModel.INPUT_IDS, ids));
      assertThat(out.get(CLIPTextModel.LAST_HIDDEN_STATE).shape()).containsExactly(2, 77, 768);
      assertThat(out.get(CLIPTextModel.POOLER_OUTPUT).shape()).containsExactly(2, 768);
    }
  }
}
