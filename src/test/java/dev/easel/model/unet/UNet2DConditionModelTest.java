package dev.easel.model.unet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.model.ModelException;
import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.safetensors.DType;
import dev.easel.model.unet.UNetReference.Image;
import dev.easel.model.weights.RandomWeights;
import dev.easel.model.weights.SafeTensorsWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.testing.Reference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole tiny UNets written as diffusers folders (random weights + config.json), reopened, built,
 * run, and compared with the plain-Java double reference forward pass.
 */
class UNet2DConditionModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OnnxRuntimes RUNTIMES = new OnnxRuntimes(RuntimeOptions.cpu());

  @TempDir Path dir;

  /** Writes a random model folder the way `easel random-model` does. */
  static Path writeRandom(Path dir, UNet2DConditionConfig cfg, long seed) throws IOException {
    RandomWeights w = new RandomWeights(seed);
    UNet2DConditionModel.build(cfg, w);
    Files.createDirectories(dir);
    w.save(dir.resolve("diffusion_pytorch_model.safetensors"), DType.F32);
    Files.writeString(dir.resolve("config.json"), cfg.toJson().toPrettyString());
    return dir;
  }

  private record Inputs(Map<String, FloatTensor> feed, int seq) {}

  private static Inputs inputs(UNet2DConditionConfig cfg, int batch, int h, int w, int seq) {
    Map<String, FloatTensor> feed = new LinkedHashMap<>();
    feed.put(
        UNet2DConditionModel.SAMPLE,
        new FloatTensor(
            new long[] {batch, cfg.inChannels(), h, w},
            Reference.randomNormal(1, batch * cfg.inChannels() * h * w, 1)));
    float[] t = new float[batch];
    for (int i = 0; i < batch; i++) {
      t[i] = 999 - 337.5f * i;
    }
    feed.put(UNet2DConditionModel.TIMESTEP, new FloatTensor(new long[] {batch}, t));
    int cross = cfg.crossAttentionDim()[0];
    feed.put(
        UNet2DConditionModel.ENCODER_HIDDEN_STATES,
        new FloatTensor(
            new long[] {batch, seq, cross}, Reference.randomNormal(2, batch * seq * cross, 1)));
    if (cfg.hasTextTime()) {
      int textDim = cfg.textEmbedsDim(6);
      feed.put(
          UNet2DConditionModel.TEXT_EMBEDS,
          new FloatTensor(
              new long[] {batch, textDim}, Reference.randomNormal(3, batch * textDim, 1)));
      float[] ids = new float[batch * 6];
      float[] sdxl = {1024, 1024, 0, 0, 1024, 1024};
      for (int i = 0; i < ids.length; i++) {
        ids[i] = sdxl[i % 6] - 64 * (i / 6);
      }
      feed.put(UNet2DConditionModel.TIME_IDS, new FloatTensor(new long[] {batch, 6}, ids));
    }
    return new Inputs(feed, seq);
  }

  private static Image reference(
      UNet2DConditionConfig cfg, SafeTensorsWeights w, Map<String, FloatTensor> feed, int seq) {
    FloatTensor s = feed.get(UNet2DConditionModel.SAMPLE);
    Image sample =
        new Image(
            Reference.toDouble(s.data()),
            (int) s.dim(0),
            (int) s.dim(1),
            (int) s.dim(2),
            (int) s.dim(3));
    double[] text = null;
    double[] ids = null;
    if (cfg.hasTextTime()) {
      text = Reference.toDouble(feed.get(UNet2DConditionModel.TEXT_EMBEDS).data());
      ids = Reference.toDouble(feed.get(UNet2DConditionModel.TIME_IDS).data());
    }
    return new UNetReference(w)
        .forward(
            cfg,
            sample,
            Reference.toDouble(feed.get(UNet2DConditionModel.TIMESTEP).data()),
            Reference.toDouble(feed.get(UNet2DConditionModel.ENCODER_HIDDEN_STATES).data()),
            seq,
            text,
            ids);
  }

  private enum Shape {
    TINY(UNet2DConditionConfig.tiny()),
    TINY_INPAINTING(UNet2DConditionConfig.tinyInpainting()),
    TINY_XL(UNet2DConditionConfig.tinyXl());

    final UNet2DConditionConfig cfg;

    Shape(UNet2DConditionConfig cfg) {
      this.cfg = cfg;
    }
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void tinyUNetFromASavedFolderMatchesTheReferenceForward(Shape shape) throws IOException {
    writeRandom(dir, shape.cfg, 42);
    UNet2DConditionConfig cfg = UNet2DConditionConfig.read(dir);
    assertThat(cfg.toJson()).isEqualTo(shape.cfg.toJson());
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false);
        OnnxSession session = RUNTIMES.open(UNet2DConditionModel.build(cfg, w))) {
      assertThat(w.unused()).isEmpty();
      // 8×8 latents divide evenly; 7×10 takes diffusers' upsample_size path.
      for (int[] size : new int[][] {{8, 8}, {7, 10}}) {
        Inputs in = inputs(cfg, 2, size[0], size[1], 5);
        FloatTensor out = session.runSingle(in.feed());
        assertThat(out.shape()).containsExactly(2, cfg.outChannels(), size[0], size[1]);
        Image expected = reference(cfg, w, in.feed(), in.seq());
        assertThat(Reference.relativeError(out.data(), expected.d())).isLessThan(1e-4);
      }
    }
  }

  @Test
  void longPromptsChangeOnlyTheSequenceLength() throws IOException {
    UNet2DConditionConfig cfg = UNet2DConditionConfig.tiny();
    writeRandom(dir, cfg, 5);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false);
        OnnxSession session = RUNTIMES.open(UNet2DConditionModel.build(cfg, w))) {
      for (int seq : new int[] {77, 154}) {
        Inputs in = inputs(cfg, 1, 8, 8, seq);
        FloatTensor out = session.runSingle(in.feed());
        Image expected = reference(cfg, w, in.feed(), seq);
        assertThat(Reference.relativeError(out.data(), expected.d())).isLessThan(1e-4);
      }
    }
  }

  @Test
  void batchItemsAreIndependentAndUseTheirOwnTimestep() throws IOException {
    UNet2DConditionConfig cfg = UNet2DConditionConfig.tinyXl();
    writeRandom(dir, cfg, 6);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false);
        OnnxSession session = RUNTIMES.open(UNet2DConditionModel.build(cfg, w))) {
      Inputs in = inputs(cfg, 2, 8, 8, 5);
      FloatTensor both = session.runSingle(in.feed());
      Map<String, FloatTensor> second = new LinkedHashMap<>();
      in.feed().forEach((k, v) -> second.put(k, v.slice(1, 2)));
      FloatTensor alone = session.runSingle(second);
      assertThat(Reference.relativeError(alone.data(), Reference.toDouble(both.slice(1, 2).data())))
          .isLessThan(1e-5);
      assertThat(both.slice(0, 1).data()).isNotEqualTo(both.slice(1, 2).data());
    }
  }

  @Test
  void aSingleTimestepIsBroadcastOverTheBatchLikeDiffusers() throws IOException {
    UNet2DConditionConfig cfg = UNet2DConditionConfig.tinyXl();
    writeRandom(dir, cfg, 9);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false);
        OnnxSession session = RUNTIMES.open(UNet2DConditionModel.build(cfg, w))) {
      Inputs in = inputs(cfg, 2, 8, 8, 5);
      in.feed()
          .put(UNet2DConditionModel.TIMESTEP, new FloatTensor(new long[] {1}, new float[] {500}));
      FloatTensor broadcast = session.runSingle(in.feed());
      in.feed()
          .put(
              UNet2DConditionModel.TIMESTEP,
              new FloatTensor(new long[] {2}, new float[] {500, 500}));
      FloatTensor perItem = session.runSingle(in.feed());
      // Equal up to float32 rounding: the two batch shapes take differently blocked kernels.
      assertThat(Reference.relativeError(broadcast.data(), Reference.toDouble(perItem.data())))
          .isLessThan(1e-5);
    }
  }

  @Test
  void everyNumberOfWinogradLevelsGivesTheReferenceResult() throws IOException {
    UNet2DConditionConfig cfg = UNet2DConditionConfig.tiny();
    writeRandom(dir, cfg, 8);
    for (int levels : new int[] {0, 1, cfg.blocks()}) {
      try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false)) {
        var graph =
            UNet2DConditionModel.build(cfg, w, AttentionKernel.MULTI_HEAD_ATTENTION, levels);
        assertThat(graph.initializers().keySet().stream().anyMatch(GraphBuilder::isWinogradFilter))
            .isEqualTo(levels > 0);
        assertThat(graph.initializers().containsKey("conv_in.weight.winograd4"))
            .isEqualTo(levels > 0);
        assertThat(graph.initializers().keySet().stream().anyMatch(k -> k.endsWith(".winograd2")))
            .isEqualTo(levels > 1);
        try (OnnxSession session = RUNTIMES.open(graph)) {
          Inputs in = inputs(cfg, 2, 8, 6, 5);
          FloatTensor out = session.runSingle(in.feed());
          Image expected = reference(cfg, w, in.feed(), in.seq());
          assertThat(Reference.relativeError(out.data(), expected.d()))
              .as("%d levels", levels)
              .isLessThan(1e-4);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(AttentionKernel.class)
  void bothAttentionKernelsGiveTheSameResult(AttentionKernel kernel) throws IOException {
    UNet2DConditionConfig cfg = UNet2DConditionConfig.tiny();
    writeRandom(dir, cfg, 8);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false);
        OnnxSession session = RUNTIMES.open(UNet2DConditionModel.build(cfg, w, kernel))) {
      Inputs in = inputs(cfg, 2, 8, 8, 5);
      FloatTensor out = session.runSingle(in.feed());
      Image expected = reference(cfg, w, in.feed(), in.seq());
      assertThat(Reference.relativeError(out.data(), expected.d())).isLessThan(1e-4);
    }
  }

  // ---- errors --------------------------------------------------------------------------------

  private Path rewriteConfig(UnaryOperator<ObjectNode> edit) throws IOException {
    ObjectNode json = edit.apply(UNet2DConditionConfig.tiny().toJson());
    Files.createDirectories(dir);
    Path file = dir.resolve("config.json");
    Files.writeString(file, json.toPrettyString());
    return file;
  }

  @Test
  void aMissingTensorIsNamedWithItsFile() throws IOException {
    writeRandom(dir, UNet2DConditionConfig.tiny(), 1);
    rewriteConfig(j -> j.put("layers_per_block", 2));
    UNet2DConditionConfig cfg = UNet2DConditionConfig.read(dir);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false)) {
      assertThatThrownBy(() -> UNet2DConditionModel.build(cfg, w))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining(dir.resolve("diffusion_pytorch_model.safetensors").toString())
          .hasMessageContaining("down_blocks.0.resnets.1.norm1.weight");
    }
  }

  @Test
  void weightsNarrowerThanTheConfigAreAShapeMismatchNamingFileAndTensor() throws IOException {
    UNet2DConditionConfig small = UNet2DConditionConfig.tiny();
    writeRandom(dir, small, 1);
    rewriteConfig(
        j -> {
          j.putArray("block_out_channels").add(320).add(640);
          return j;
        });
    UNet2DConditionConfig cfg = UNet2DConditionConfig.read(dir);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false)) {
      assertThatThrownBy(() -> UNet2DConditionModel.build(cfg, w))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("diffusion_pytorch_model.safetensors")
          .hasMessageContaining("time_embedding.linear_1.weight")
          .hasMessageContaining("[128, 32]")
          .hasMessageContaining("[1280, 320]");
    }
  }

  @Test
  void unsupportedConfigValuesAreRefusedByFileAndKey() throws IOException {
    Map<String, UnaryOperator<ObjectNode>> edits = new LinkedHashMap<>();
    edits.put("class_embed_type", j -> j.put("class_embed_type", "timestep"));
    edits.put("time_embedding_type", j -> j.put("time_embedding_type", "fourier"));
    edits.put("mid_block_type", j -> j.put("mid_block_type", "UNetMidBlock2DSimpleCrossAttn"));
    edits.put("attention_type", j -> j.put("attention_type", "gated"));
    edits.put("addition_embed_type", j -> j.put("addition_embed_type", "text_image"));
    edits.put("resnet_time_scale_shift", j -> j.put("resnet_time_scale_shift", "scale_shift"));
    edits.put("dual_cross_attention", j -> j.put("dual_cross_attention", true));
    edits.put("time_cond_proj_dim", j -> j.put("time_cond_proj_dim", 256));
    edits.put("only_cross_attention", j -> j.put("only_cross_attention", true));
    edits.put("encoder_hid_dim", j -> j.put("encoder_hid_dim", 1024));
    edits.put("num_class_embeds", j -> j.put("num_class_embeds", 10));
    edits.put("act_fn", j -> j.put("act_fn", "mish"));
    edits.put(
        "down_block_types",
        j -> {
          j.putArray("down_block_types").add("AttnDownBlock2D").add("DownBlock2D");
          return j;
        });
    edits.put(
        "up_block_types",
        j -> {
          j.putArray("up_block_types").add("UpBlock2D").add("UpBlock2D");
          return j;
        });
    edits.put(
        "attention_head_dim",
        j -> {
          j.putArray("attention_head_dim").add(3).add(2);
          return j;
        });
    edits.put(
        "transformer_layers_per_block",
        j -> {
          j.putArray("transformer_layers_per_block").add(1).add(1).add(1);
          return j;
        });
    for (Map.Entry<String, UnaryOperator<ObjectNode>> e : edits.entrySet()) {
      Path file = rewriteConfig(e.getValue());
      assertThatThrownBy(() -> UNet2DConditionConfig.read(dir))
          .as(e.getKey())
          .isInstanceOf(ModelException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("'" + e.getKey() + "'");
    }
  }

  @Test
  void settingsThatDoNotChangeTheFp32GraphAreAccepted() throws IOException {
    rewriteConfig(
        j -> {
          j.put("upcast_attention", true);
          j.put("resnet_skip_time_act", true);
          j.put("resnet_out_scale_factor", 2.0);
          j.put("dropout", 0.1);
          j.putArray("only_cross_attention").add(false).add(false);
          j.put("attention_head_dim", 2);
          j.put("transformer_layers_per_block", 1);
          return j;
        });
    UNet2DConditionConfig cfg = UNet2DConditionConfig.read(dir);
    assertThat(cfg.upcastAttention()).isTrue();
    assertThat(cfg.attentionHeads()).containsExactly(2, 2);
  }

  @Test
  void realConfigsParseToTheFactoryShapes() throws IOException {
    for (UNet2DConditionConfig shape :
        new UNet2DConditionConfig[] {
          UNet2DConditionConfig.sd15(),
          UNet2DConditionConfig.sd21(),
          UNet2DConditionConfig.sdTurbo(),
          UNet2DConditionConfig.sdxl(),
          UNet2DConditionConfig.sdxlTurbo()
        }) {
      Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(shape.toJson()));
      assertThat(UNet2DConditionConfig.read(dir).toJson()).isEqualTo(shape.toJson());
    }
  }

  @Test
  void graphDeclaresOptimumsInputsAndOutput() {
    OnnxGraph xl = UNet2DConditionModel.build(UNet2DConditionConfig.tinyXl(), new RandomWeights(1));
    assertThat(xl.model().getGraph().getInputList())
        .extracting(v -> v.getName())
        .containsExactly("sample", "timestep", "encoder_hidden_states", "text_embeds", "time_ids");
    assertThat(xl.model().getGraph().getOutputList())
        .extracting(v -> v.getName())
        .containsExactly("out_sample");
  }
}
