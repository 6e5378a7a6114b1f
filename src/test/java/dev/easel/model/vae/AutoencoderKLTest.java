package dev.easel.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.engine.noise.BatchNoise;
import dev.easel.model.ComponentConfig;
import dev.easel.model.ComponentLoader;
import dev.easel.model.ModelException;
import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.safetensors.DType;
import dev.easel.model.weights.RandomWeights;
import dev.easel.model.weights.SafeTensorsWeights;
import dev.easel.model.weights.Weights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.testing.Reference;
import dev.easel.testing.ShapeRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoencoderKLTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());

  /** Builds a graph around one block, runs it on a random input and returns the output. */
  private FloatTensor runBlock(
      Weights w, FloatTensor input, BiFunction<GraphBuilder, String, String> block) {
    GraphBuilder g = new GraphBuilder("block", w);
    long[] s = input.shape();
    String x = g.input("x", s[0], s[1], "h", "w");
    g.output("y", block.apply(g, x), "n", "c", "oh", "ow");
    try (OnnxSession session = runtimes.open(g.build())) {
      return session.runSingle(Map.of("x", input));
    }
  }

  private static FloatTensor random(long seed, int n, int c, int h, int w) {
    return new FloatTensor(
        new long[] {n, c, h, w}, Reference.randomNormal(seed, n * c * h * w, 1.0));
  }

  private static VaeReference.T ref(FloatTensor t) {
    long[] s = t.shape();
    return new VaeReference.T(
        Reference.toDouble(t.data()), (int) s[0], (int) s[1], (int) s[2], (int) s[3]);
  }

  private static void assertMatches(FloatTensor actual, VaeReference.T expected) {
    assertThat(actual.shape())
        .containsExactly(expected.n(), expected.c(), expected.h(), expected.wd());
    assertThat(Reference.relativeError(actual.data(), expected.x())).isLessThan(1e-4);
  }

  @Test
  void resnetBlockWithShortcutMatchesReference() {
    RandomWeights w = new RandomWeights(1);
    FloatTensor x = random(2, 2, 8, 5, 6);
    FloatTensor y = runBlock(w, x, (g, in) -> VaeBlocks.resnetBlock2D(g, in, "r", 8, 16, 4));
    assertMatches(y, new VaeReference(w).resnet(ref(x), "r", 16, 4));
  }

  @Test
  void resnetBlockWithIdentitySkipMatchesReference() {
    RandomWeights w = new RandomWeights(3);
    FloatTensor x = random(4, 1, 8, 4, 4);
    FloatTensor y = runBlock(w, x, (g, in) -> VaeBlocks.resnetBlock2D(g, in, "r", 8, 8, 2));
    assertThat(w.contains("r.conv_shortcut.weight")).isFalse();
    assertMatches(y, new VaeReference(w).resnet(ref(x), "r", 8, 2));
  }

  @Test
  void downsamplePadsOnlyRightAndBottom() {
    RandomWeights w = new RandomWeights(5);
    for (int[] size : new int[][] {{6, 10}, {5, 7}}) {
      FloatTensor x = random(6, 2, 4, size[0], size[1]);
      FloatTensor y = runBlock(w, x, (g, in) -> VaeBlocks.downsample2D(g, in, "d", 4));
      assertMatches(y, new VaeReference(w).downsample(ref(x), "d"));
    }
    // Symmetric padding would give the same shape for even sizes, but not these values.
    FloatTensor x = random(7, 1, 4, 6, 6);
    FloatTensor y = runBlock(w, x, (g, in) -> VaeBlocks.downsample2D(g, in, "d", 4));
    VaeReference.T symmetric =
        new VaeReference(w).conv(ref(x), "d.conv", 4, 3, 2, new int[] {1, 1, 1, 1});
    assertThat(Reference.relativeError(y.data(), symmetric.x())).isGreaterThan(1e-2);
  }

  @Test
  void upsampleMatchesReference() {
    RandomWeights w = new RandomWeights(8);
    FloatTensor x = random(9, 2, 4, 3, 5);
    FloatTensor y = runBlock(w, x, (g, in) -> VaeBlocks.upsample2D(g, in, "u", 4));
    assertMatches(y, new VaeReference(w).upsample(ref(x), "u"));
  }

  @Test
  void midBlockAttentionMatchesReference() {
    RandomWeights w = new RandomWeights(10);
    FloatTensor x = random(11, 2, 8, 3, 5);
    FloatTensor y = runBlock(w, x, (g, in) -> VaeBlocks.attention(g, in, "a", 8, 2));
    assertMatches(
        y, new VaeReference(w).attention(ref(x), "a", 2, "to_q", "to_k", "to_v", "to_out.0"));
  }

  @Test
  void legacyAttentionNamesAreMapped() {
    RandomWeights w = new RandomWeights(12);
    for (String n : new String[] {"query", "key", "value", "proj_attn"}) {
      w.float32("a." + n + ".weight", 8, 8);
    }
    FloatTensor x = random(13, 1, 8, 4, 4);
    FloatTensor y = runBlock(w, x, (g, in) -> VaeBlocks.attention(g, in, "a", 8, 2));
    assertThat(w.contains("a.to_q.weight")).isFalse();
    assertMatches(
        y, new VaeReference(w).attention(ref(x), "a", 2, "query", "key", "value", "proj_attn"));
  }

  @Test
  void originalLdmAttentionNamesAreRefusedByName() {
    RandomWeights w = new RandomWeights(14);
    w.float32("a.q.weight", 8, 8, 1, 1);
    assertThatThrownBy(
            () ->
                runBlock(
                    w, random(1, 1, 8, 2, 2), (g, in) -> VaeBlocks.attention(g, in, "a", 8, 2)))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("a.q.weight")
        .hasMessageContaining("a.to_q.weight");
  }

  @Test
  void tinyEncoderAndDecoderMatchReferenceForward() {
    AutoencoderKLConfig cfg = AutoencoderKLConfig.tiny();
    RandomWeights w = new RandomWeights(20);
    FloatTensor image = random(21, 2, 3, 12, 10);
    FloatTensor params;
    try (OnnxSession enc = runtimes.open(AutoencoderKL.encoder(cfg, w))) {
      params = enc.runSingle(Map.of(AutoencoderKL.SAMPLE, image));
    }
    VaeReference reference = new VaeReference(w);
    assertMatches(params, reference.encode(cfg, ref(image)));
    assertThat(params.shape()).containsExactly(2, 8, 6, 5);

    DiagonalGaussian dist = DiagonalGaussian.of(params);
    FloatTensor latent =
        dist.sample(
            new FloatTensor(
                dist.mean().shape(), new BatchNoise(1L, 2L).sampleLike(dist.mean().data())));
    FloatTensor decoded;
    try (OnnxSession dec = runtimes.open(AutoencoderKL.decoder(cfg, w))) {
      decoded = dec.runSingle(Map.of(AutoencoderKL.LATENT_SAMPLE, latent));
    }
    assertMatches(decoded, reference.decode(cfg, ref(latent)));
    assertThat(decoded.shape()).containsExactly(2, 3, 12, 10);
  }

  /** Writes a tiny random AutoencoderKL in the diffusers layout and returns its folder. */
  static Path writeTinyVae(Path dir, AutoencoderKLConfig cfg, long seed) throws Exception {
    RandomWeights w = new RandomWeights(seed);
    AutoencoderKL.encoder(cfg, w);
    AutoencoderKL.decoder(cfg, w);
    Files.createDirectories(dir);
    w.save(dir.resolve("diffusion_pytorch_model.safetensors"), DType.F32);
    JSON.writeValue(dir.resolve("config.json").toFile(), cfg.toJson());
    return dir;
  }

  @Test
  void savedTinyModelReopensThroughTheComponentLoader(@TempDir Path tmp) throws Exception {
    AutoencoderKLConfig cfg = AutoencoderKLConfig.tiny();
    Path dir = writeTinyVae(tmp.resolve("vae"), cfg, 30);
    assertThat(AutoencoderKLConfig.from(ComponentConfig.read(dir))).isEqualTo(cfg);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false)) {
      AutoencoderKL.encoder(cfg, w);
      AutoencoderKL.decoder(cfg, w);
      assertThat(w.unused()).isEmpty();
    }
    RandomWeights original = new RandomWeights(30);
    FloatTensor image = random(31, 1, 3, 8, 8);
    FloatTensor expected;
    try (OnnxSession enc = runtimes.open(AutoencoderKL.encoder(cfg, original))) {
      expected = enc.runSingle(Map.of(AutoencoderKL.SAMPLE, image));
    }
    try (OnnxSession enc =
        ComponentLoader.open(
            runtimes, dir, (c, w) -> AutoencoderKL.encoder(AutoencoderKLConfig.from(c), w))) {
      assertThat(enc.runSingle(Map.of(AutoencoderKL.SAMPLE, image))).isEqualTo(expected);
    }
  }

  @Test
  void sdArchitectureHas83653863Parameters() {
    ShapeRecorder count = new ShapeRecorder();
    AutoencoderKL.encoder(AutoencoderKLConfig.sd(), count);
    AutoencoderKL.decoder(AutoencoderKLConfig.sd(), count);
    assertThat(count.parameters()).isEqualTo(83_653_863L);
  }

  @Test
  @Tag("slow")
  void sdAutoencoderHas83653863Parameters() {
    AutoencoderKLConfig cfg = AutoencoderKLConfig.sd();
    RandomWeights w = new RandomWeights(0);
    OnnxGraph enc = AutoencoderKL.encoder(cfg, w);
    OnnxGraph dec = AutoencoderKL.decoder(cfg, w);
    assertThat((enc.weightBytes() + dec.weightBytes()) / 4).isEqualTo(83_653_863L);
  }

  @Test
  void missingTensorIsReportedByFileAndKey(@TempDir Path tmp) throws Exception {
    AutoencoderKLConfig noAttention =
        new AutoencoderKLConfig(
            3, 3, 4, new int[] {8, 16}, 1, 4, 32, 0.18215, 0, true, true, false);
    Path dir = writeTinyVae(tmp.resolve("vae"), noAttention, 40);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false)) {
      assertThatThrownBy(() -> AutoencoderKL.decoder(AutoencoderKLConfig.tiny(), w))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("diffusion_pytorch_model.safetensors")
          .hasMessageContaining("decoder.mid_block.attentions.0.group_norm.weight");
    }
  }

  @Test
  void shapeMismatchIsReportedByFileAndKey(@TempDir Path tmp) throws Exception {
    Path dir = writeTinyVae(tmp.resolve("vae"), AutoencoderKLConfig.tiny(), 41);
    AutoencoderKLConfig wider =
        new AutoencoderKLConfig(3, 3, 4, new int[] {8, 32}, 1, 4, 32, 0.18215, 0, true, true, true);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false)) {
      assertThatThrownBy(() -> AutoencoderKL.encoder(wider, w))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("diffusion_pytorch_model.safetensors")
          .hasMessageContaining("encoder.down_blocks.1.resnets.0.conv1.weight")
          .hasMessageContaining("[32, 8, 3, 3]");
    }
  }

  @Test
  void unsupportedConfigValuesAreRefusedByFileAndKey(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("config.json");
    String[][] cases = {
      {"down_block_types", "[\"DownEncoderBlock2D\", \"AttnDownEncoderBlock2D\"]"},
      {"act_fn", "\"relu\""},
      {"norm_num_groups", "3"},
      {"latents_mean", "[0.1, 0.2, 0.3, 0.4]"},
    };
    for (String[] c : cases) {
      ObjectNode json = AutoencoderKLConfig.tiny().toJson();
      json.set(c[0], JSON.readTree(c[1]));
      JSON.writeValue(file.toFile(), json);
      assertThatThrownBy(() -> AutoencoderKLConfig.from(ComponentConfig.read(tmp)))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("'" + c[0] + "'");
    }
  }

  @Test
  void missingConfigJsonIsReportedByFile(@TempDir Path tmp) throws Exception {
    Path dir = writeTinyVae(tmp.resolve("vae"), AutoencoderKLConfig.tiny(), 42);
    Files.delete(dir.resolve("config.json"));
    assertThatThrownBy(
            () ->
                ComponentLoader.open(
                    runtimes, dir, (c, w) -> AutoencoderKL.decoder(AutoencoderKLConfig.from(c), w)))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining(dir.resolve("config.json").toString());
  }

  @Test
  void configFactoriesDescribeTheKnownAutoencoders() {
    assertThat(AutoencoderKLConfig.sd().latentScaling()).isEqualTo(new LatentScaling(0.18215, 0));
    assertThat(AutoencoderKLConfig.sdxl().latentScaling()).isEqualTo(new LatentScaling(0.13025, 0));
    assertThat(AutoencoderKLConfig.sd21().sampleSize()).isEqualTo(768);
    assertThat(AutoencoderKLConfig.sd().downscale()).isEqualTo(8);
    assertThat(AutoencoderKLConfig.sdxl().toJson().get("block_out_channels").toString())
        .isEqualTo("[128,256,512,512]");
  }
}
