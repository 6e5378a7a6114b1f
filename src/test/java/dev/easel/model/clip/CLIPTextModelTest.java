package dev.easel.model.clip;

import static dev.easel.testing.Reference.relativeError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.model.ModelException;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.safetensors.DType;
import dev.easel.model.safetensors.SafeTensorsFile;
import dev.easel.model.safetensors.SafeTensorsWriter;
import dev.easel.model.weights.RandomWeights;
import dev.easel.model.weights.SafeTensorsWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole text models written to disk as diffusers folders, reopened, run and checked. */
class CLIPTextModelTest {
  private static final int VOCAB = 1000;

  private final OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());

  @TempDir Path dir;

  /** Writes a random model of {@code cfg} like {@code easel random-model} would. */
  private static void writeRandomModel(Path folder, CLIPTextConfig cfg, long seed)
      throws IOException {
    RandomWeights random = new RandomWeights(seed);
    if (cfg.withProjection()) {
      CLIPTextModelWithProjection.build(cfg, random, CLIPTextModel.Options.DEFAULT);
    } else {
      CLIPTextModel.build(cfg, random, CLIPTextModel.Options.DEFAULT);
    }
    Files.createDirectories(folder);
    random.save(folder.resolve("model.safetensors"), DType.F32);
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(folder.resolve("config.json").toFile(), cfg.toJson());
  }

  /** Tokenizer-shaped rows: start, a few tokens, end, then padding. */
  private static long[][] prompts(CLIPTextConfig cfg, int pad, int... lengths) {
    SplittableRandom r = new SplittableRandom(5);
    long[][] ids = new long[lengths.length][cfg.maxPositionEmbeddings()];
    for (int b = 0; b < lengths.length; b++) {
      java.util.Arrays.fill(ids[b], pad);
      ids[b][0] = cfg.bosTokenId();
      for (int i = 1; i <= lengths[b]; i++) {
        ids[b][i] = r.nextInt(cfg.bosTokenId());
      }
      ids[b][lengths[b] + 1] = cfg.eosTokenId();
    }
    return ids;
  }

  private Map<String, FloatTensor> run(OnnxGraph graph, long[][] ids) {
    try (OnnxSession s = runtimes.open(graph)) {
      return s.run(Map.of(CLIPTextModel.INPUT_IDS, ids));
    }
  }

  @Test
  void tinyModelSavedAndReopenedMatchesTheReferenceForward() throws IOException {
    writeRandomModel(dir, CLIPTextConfig.tiny(VOCAB), 1);
    CLIPTextConfig cfg = CLIPTextConfig.read(dir);
    assertThat(cfg).isEqualTo(CLIPTextConfig.tiny(VOCAB));
    long[][] ids = prompts(cfg, cfg.padTokenId(), 5, 40);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false)) {
      Map<String, FloatTensor> out =
          run(CLIPTextModel.build(cfg, w, new CLIPTextModel.Options(1)), ids);
      assertThat(w.unused()).isEmpty();
      CLIPTextReference.Result ref = new CLIPTextReference(cfg, w).forward(ids);
      assertThat(ref.poolIndex()).containsExactly(6, 41);

      FloatTensor last = out.get(CLIPTextModel.LAST_HIDDEN_STATE);
      assertThat(last.shape()).containsExactly(2, 77, 32);
      assertThat(relativeError(last.data(), ref.lastHiddenState())).isLessThan(1e-4);
      FloatTensor pooled = out.get(CLIPTextModel.POOLER_OUTPUT);
      assertThat(pooled.shape()).containsExactly(2, 32);
      assertThat(relativeError(pooled.data(), ref.pooled())).isLessThan(1e-4);

      List<double[]> states = ref.hiddenStates();
      double[] penultimate = states.get(states.size() - 2);
      FloatTensor raw = out.get(CLIPTextModel.HIDDEN_STATES_PENULTIMATE);
      assertThat(relativeError(raw.data(), penultimate)).isLessThan(1e-4);
      FloatTensor skip = out.get(CLIPTextModel.HIDDEN_STATES_SKIP);
      double[] skipExpected = new CLIPTextReference(cfg, w).finalLayerNorm(penultimate);
      assertThat(relativeError(skip.data(), skipExpected)).isLessThan(1e-4);
      // the skipped state is normalized, the penultimate one is not
      assertThat(relativeError(skip.data(), penultimate)).isGreaterThan(1e-2);
    }
  }

  @Test
  void withProjectionIgnoresThePositionIdsBufferAndProjectsThePooledState() throws IOException {
    CLIPTextConfig tiny = CLIPTextConfig.tiny(VOCAB).withProjection(true);
    CLIPTextConfig written =
        new CLIPTextConfig(
            VOCAB,
            32,
            37,
            3,
            4,
            77,
            "gelu",
            1e-5,
            24,
            tiny.bosTokenId(),
            tiny.eosTokenId(),
            0,
            true);
    Path generated = dir.resolve("generated");
    writeRandomModel(generated, written, 2);
    Path folder = dir.resolve("text_encoder_2");
    copyWithPositionIds(generated, folder, 77);

    CLIPTextConfig cfg = CLIPTextConfig.read(folder);
    assertThat(cfg).isEqualTo(written);
    long[][] ids = prompts(cfg, 0, 3, 75);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(folder, false)) {
      Map<String, FloatTensor> out =
          run(CLIPTextModelWithProjection.build(cfg, w, CLIPTextModel.Options.DEFAULT), ids);
      assertThat(w.unused()).containsExactly(CLIPTextModel.POSITION_IDS_KEY);
      assertThat(out)
          .doesNotContainKeys(CLIPTextModel.POOLER_OUTPUT, CLIPTextModel.HIDDEN_STATES_SKIP);
      CLIPTextReference reference = new CLIPTextReference(cfg, w);
      CLIPTextReference.Result ref = reference.forward(ids);
      FloatTensor embeds = out.get(CLIPTextModelWithProjection.TEXT_EMBEDS);
      assertThat(embeds.shape()).containsExactly(2, 24);
      assertThat(relativeError(embeds.data(), reference.project(ref.pooled()))).isLessThan(1e-4);
      assertThat(
              relativeError(
                  out.get(CLIPTextModel.HIDDEN_STATES_PENULTIMATE).data(),
                  ref.hiddenStates().get(2)))
          .isLessThan(1e-4);
      assertThat(
              relativeError(out.get(CLIPTextModel.LAST_HIDDEN_STATE).data(), ref.lastHiddenState()))
          .isLessThan(1e-4);
    }
  }

  /** Rewrites a model file adding transformers' int64 position_ids buffer, as old exports do. */
  private static void copyWithPositionIds(Path from, Path to, int length) throws IOException {
    Files.createDirectories(to);
    Files.copy(from.resolve("config.json"), to.resolve("config.json"));
    Map<String, SafeTensorsWriter.Tensor> tensors = new LinkedHashMap<>();
    try (SafeTensorsFile f = SafeTensorsFile.open(from.resolve("model.safetensors"))) {
      f.tensors()
          .forEach(
              (k, info) ->
                  tensors.put(
                      k, new SafeTensorsWriter.Tensor(info.dtype(), info.shape(), f.map(k))));
      ByteBuffer positions = ByteBuffer.allocate(length * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < length; i++) {
        positions.putLong(i);
      }
      positions.flip();
      tensors.put(
          CLIPTextModel.POSITION_IDS_KEY,
          new SafeTensorsWriter.Tensor(DType.I64, new long[] {1, length}, positions));
      SafeTensorsWriter.write(to.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
    }
  }

  @Test
  void configJsonRoundTripsForEveryShape() {
    for (CLIPTextConfig cfg :
        List.of(
            CLIPTextConfig.tiny(VOCAB),
            CLIPTextConfig.sd15(),
            CLIPTextConfig.sd21(),
            CLIPTextConfig.sdxl1(),
            CLIPTextConfig.sdxl2())) {
      ObjectNode json = cfg.toJson();
      assertThat(json.get("model_type").asText()).isEqualTo("clip_text_model");
      assertThat(CLIPTextConfig.from(dev.easel.model.ComponentConfig.of(dir, json))).isEqualTo(cfg);
    }
    assertThat(CLIPTextConfig.sdxl2().toJson().get("architectures").get(0).asText())
        .isEqualTo("CLIPTextModelWithProjection");
  }

  @Test
  void missingTensorIsNamedWithItsFile() throws IOException {
    writeRandomModel(dir, CLIPTextConfig.tiny(VOCAB), 3);
    CLIPTextConfig deeper =
        new CLIPTextConfig(VOCAB, 32, 37, 3, 2, 77, "quick_gelu", 1e-5, 32, 998, 999, 999, false);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false)) {
      assertThatThrownBy(() -> CLIPTextModel.build(deeper, w, CLIPTextModel.Options.DEFAULT))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining(dir.resolve("model.safetensors").toString())
          .hasMessageContaining("text_model.encoder.layers.2.");
      assertThatThrownBy(
              () ->
                  CLIPTextModelWithProjection.build(
                      CLIPTextConfig.tiny(VOCAB), w, CLIPTextModel.Options.DEFAULT))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("model.safetensors")
          .hasMessageContaining("text_projection.weight");
    }
  }

  @Test
  void shapeMismatchNamesFileKeyAndBothShapes() throws IOException {
    writeRandomModel(dir, CLIPTextConfig.tiny(VOCAB), 4);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false)) {
      assertThatThrownBy(
              () ->
                  CLIPTextModel.build(CLIPTextConfig.tiny(1200), w, CLIPTextModel.Options.DEFAULT))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining(dir.resolve("model.safetensors").toString())
          .hasMessageContaining("text_model.embeddings.token_embedding.weight")
          .hasMessageContaining("[1000, 32]")
          .hasMessageContaining("[1200, 32]");
    }
  }

  @Test
  void unsupportedConfigValuesAreRefusedByFileAndKey() throws IOException {
    for (Map.Entry<String, Object> bad :
        Map.<String, Object>of(
                "hidden_act",
                "gelu_new",
                "architectures",
                List.of("CLIPVisionModel"),
                "model_type",
                "t5",
                "num_attention_heads",
                5)
            .entrySet()) {
      ObjectNode json = CLIPTextConfig.tiny(VOCAB).toJson();
      json.set(bad.getKey(), new ObjectMapper().valueToTree(bad.getValue()));
      Path folder = Files.createDirectories(dir.resolve(bad.getKey()));
      new ObjectMapper().writeValue(folder.resolve("config.json").toFile(), json);
      assertThatThrownBy(() -> CLIPTextConfig.read(folder))
          .as(bad.getKey())
          .isInstanceOf(ModelException.class)
          .hasMessageContaining(folder.resolve("config.json").toString())
          .hasMessageContaining("'" + bad.getKey() + "'");
    }
  }

  @Test
  void clipSkipMustLeaveALayer() {
    RandomWeights w = new RandomWeights(1);
    assertThatThrownBy(
            () -> CLIPTextModel.build(CLIPTextConfig.tiny(VOCAB), w, new CLIPTextModel.Options(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clip skip 2");
    assertThatThrownBy(() -> new CLIPTextModel.Options(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
