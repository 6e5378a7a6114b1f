package dev.easel.model.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.model.ComponentLoader;
import dev.easel.model.onnx.Attr;
import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.safetensors.DType;
import dev.easel.model.vae.AutoencoderKL;
import dev.easel.model.vae.AutoencoderKLConfig;
import dev.easel.model.vae.AutoencoderTiny;
import dev.easel.model.vae.AutoencoderTinyConfig;
import dev.easel.model.weights.RandomWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.testing.Reference;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExporterTest {
  private final OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());

  private static FloatTensor random(long seed, long... shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    return new FloatTensor(shape, Reference.randomNormal(seed, n, 1.0));
  }

  /** Runs the in-memory graph and the exported model.onnx on the same input. */
  private void assertExportRunsIdentically(OnnxGraph graph, Path dir, String input, FloatTensor x)
      throws Exception {
    OnnxExporter.write(graph, dir);
    FloatTensor expected;
    try (OnnxSession s = runtimes.open(graph)) {
      expected = s.runSingle(Map.of(input, x));
    }
    try (OnnxSession s = runtimes.open(dir.resolve(ComponentLoader.MODEL_FILE))) {
      FloatTensor actual = s.runSingle(Map.of(input, x));
      assertThat(actual.shape()).containsExactly(expected.shape());
      // Equal up to float32 rounding: a model file is optimised at ORT_ENABLE_ALL, an Easel graph
      // with Winograd convolutions at ORT_ENABLE_EXTENDED, and their kernels sum in other orders.
      assertThat(Reference.relativeError(actual.data(), Reference.toDouble(expected.data())))
          .isLessThanOrEqualTo(1e-5);
    }
  }

  @Test
  void exportedTinyAutoencoderKLRunsLikeTheInMemoryBuild(@TempDir Path tmp) throws Exception {
    AutoencoderKLConfig cfg = AutoencoderKLConfig.tiny();
    RandomWeights w = new RandomWeights(1);
    assertExportRunsIdentically(
        AutoencoderKL.encoder(cfg, w),
        tmp.resolve("vae_encoder"),
        AutoencoderKL.SAMPLE,
        random(2, 1, 3, 16, 12));
    assertExportRunsIdentically(
        AutoencoderKL.decoder(cfg, w),
        tmp.resolve("vae_decoder"),
        AutoencoderKL.LATENT_SAMPLE,
        random(3, 2, 4, 4, 5));
  }

  @Test
  void exportedAutoencoderTinyRunsLikeTheInMemoryBuild(@TempDir Path tmp) throws Exception {
    AutoencoderTinyConfig cfg = tinyTaesd();
    RandomWeights w = new RandomWeights(4);
    AutoencoderTiny.Layout layout = AutoencoderTiny.Layout.DIFFUSERS;
    assertExportRunsIdentically(
        AutoencoderTiny.encoder(cfg, w, layout),
        tmp.resolve("vae_encoder"),
        AutoencoderTiny.IMAGE,
        random(5, 1, 3, 16, 16));
    assertExportRunsIdentically(
        AutoencoderTiny.decoder(cfg, w, layout),
        tmp.resolve("vae_decoder"),
        AutoencoderTiny.LATENT,
        random(6, 1, 4, 2, 3));
  }

  static AutoencoderTinyConfig tinyTaesd() {
    return new AutoencoderTinyConfig(
        3,
        3,
        4,
        new int[] {8, 8, 8, 8},
        new int[] {8, 8, 8, 8},
        new int[] {1, 1, 1, 1},
        new int[] {1, 1, 1, 1},
        2,
        1.0,
        0.0,
        false);
  }

  @Test
  @Tag("slow")
  void exportedSdDecoderRunsLikeTheInMemoryBuild(@TempDir Path tmp) throws Exception {
    long start = System.nanoTime();
    OnnxGraph graph = AutoencoderKL.decoder(AutoencoderKLConfig.sd(), new RandomWeights(1));
    long built = System.nanoTime();
    OnnxExporter.write(graph, tmp.resolve("vae_decoder"));
    long written = System.nanoTime();
    System.out.printf(
        "SD VAE decoder: %d MB of weights, built in %.1f s, written in %.1f s%n",
        graph.weightBytes() >> 20, (built - start) / 1e9, (written - built) / 1e9);
    OnnxExporter.deleteTree(tmp.resolve("vae_decoder"));
    assertExportRunsIdentically(
        graph, tmp.resolve("vae_decoder"), AutoencoderKL.LATENT_SAMPLE, random(2, 1, 4, 32, 32));
  }

  @Test
  void initializersPointIntoTheDataFile(@TempDir Path tmp) throws Exception {
    OnnxGraph graph = AutoencoderKL.decoder(AutoencoderKLConfig.tiny(), new RandomWeights(7));
    Path dir = tmp.resolve("vae_decoder");
    OnnxExporter.write(graph, dir);
    ModelProto model;
    try (InputStream in = Files.newInputStream(dir.resolve("model.onnx"))) {
      model = ModelProto.parseFrom(in);
    }
    long dataSize = Files.size(dir.resolve(OnnxExporter.DATA_FILE));
    long total = 0;
    Set<String> external = new java.util.HashSet<>();
    for (TensorProto t : model.getGraph().getInitializerList()) {
      if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
        continue;
      }
      Map<String, String> info =
          t.getExternalDataList().stream()
              .collect(
                  Collectors.toMap(
                      StringStringEntryProto::getKey, StringStringEntryProto::getValue));
      assertThat(info.get("location")).isEqualTo(OnnxExporter.DATA_FILE);
      long offset = Long.parseLong(info.get("offset"));
      long length = Long.parseLong(info.get("length"));
      assertThat(offset % 64).isZero();
      assertThat(offset + length).isLessThanOrEqualTo(dataSize);
      assertThat(length).isEqualTo(graph.initializers().get(t.getName()).remaining());
      total += length;
      external.add(t.getName());
    }
    assertThat(external).isEqualTo(graph.initializers().keySet());
    assertThat(total).isEqualTo(graph.weightBytes());
    assertThat(model.toByteArray().length).isLessThan(200_000);
  }

  @Test
  void refusesToOverwriteAndLeavesNoPartialFolder(@TempDir Path tmp) throws Exception {
    OnnxGraph graph = AutoencoderKL.decoder(AutoencoderKLConfig.tiny(), new RandomWeights(8));
    Path dir = Files.createDirectories(tmp.resolve("vae_decoder"));
    assertThatThrownBy(() -> OnnxExporter.write(graph, dir))
        .isInstanceOf(FileAlreadyExistsException.class);
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("vae_decoder"));
    }
  }

  @Test
  void contribOperatorsWithoutAStandardFormAreRefusedAndNothingIsWritten(@TempDir Path tmp) {
    GraphBuilder g = new GraphBuilder("attention", new RandomWeights(3));
    String x = g.input("x", 1L, 4L, 8L);
    g.output(
        "y",
        g.op("com.microsoft", "MultiHeadAttention", List.of(x, x, x), Attr.of("num_heads", 2L)),
        1L,
        4L,
        8L);
    OnnxGraph graph = g.build();
    assertThatThrownBy(() -> OnnxExporter.write(graph, tmp.resolve("unet")))
        .hasMessageContaining("no standard ONNX form for com.microsoft.MultiHeadAttention");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void exportsASingleAutoencoderTinyFolder(@TempDir Path tmp) throws Exception {
    AutoencoderTinyConfig cfg = tinyTaesd();
    RandomWeights w = new RandomWeights(9);
    OnnxGraph encoder = AutoencoderTiny.encoder(cfg, w, AutoencoderTiny.Layout.DIFFUSERS);
    AutoencoderTiny.decoder(cfg, w, AutoencoderTiny.Layout.DIFFUSERS);
    Path taesd = Files.createDirectories(tmp.resolve("taesd"));
    w.save(taesd.resolve("diffusion_pytorch_model.safetensors"), DType.F16);
    new ObjectMapper()
        .writeValue(
            taesd.resolve("config.json").toFile(),
            Map.of(
                "_class_name", "AutoencoderTiny",
                "encoder_block_out_channels", List.of(8, 8, 8, 8),
                "decoder_block_out_channels", List.of(8, 8, 8, 8),
                "num_encoder_blocks", List.of(1, 1, 1, 1),
                "num_decoder_blocks", List.of(1, 1, 1, 1)));
    Path out = tmp.resolve("onnx");
    List<ModelExporter.Written> written = ModelExporter.export(taesd, out, Set.of(), x -> {});
    assertThat(written)
        .extracting(ModelExporter.Written::name)
        .containsExactly("vae_encoder", "vae_decoder");
    assertThat(out.resolve("vae_encoder/config.json")).exists();
    FloatTensor image = random(10, 1, 3, 16, 16);
    FloatTensor expected;
    try (OnnxSession s = runtimes.open(encoder)) {
      expected = s.runSingle(Map.of(AutoencoderTiny.IMAGE, image));
    }
    try (OnnxSession s = runtimes.open(out.resolve("vae_encoder/model.onnx"))) {
      // Weights went through float16 on disk, so compare at float16 precision.
      FloatTensor actual = s.runSingle(Map.of(AutoencoderTiny.IMAGE, image));
      assertThat(Reference.relativeError(actual.data(), Reference.toDouble(expected.data())))
          .isLessThan(1e-2);
    }
  }
}
