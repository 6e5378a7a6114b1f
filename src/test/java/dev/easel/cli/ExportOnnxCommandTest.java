package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.safetensors.DType;
import dev.easel.model.vae.AutoencoderKL;
import dev.easel.model.vae.AutoencoderKLConfig;
import dev.easel.model.weights.RandomWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.testing.CliRun;
import dev.easel.testing.Reference;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportOnnxCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());

  /**
   * A tiny pipeline folder: a real random AutoencoderKL, a scheduler and a tokenizer to copy, an
   * image encoder saved as absent, and a safety checker folder (a class without an exporter).
   */
  private static Path tinyPipeline(Path root) throws Exception {
    Path model = Files.createDirectories(root.resolve("model"));
    Map<String, Object> index =
        Map.of(
            "_class_name", "StableDiffusionPipeline",
            "_diffusers_version", "0.32.2",
            "vae", List.of("diffusers", "AutoencoderKL"),
            "safety_checker", List.of("stable_diffusion", "StableDiffusionSafetyChecker"),
            "scheduler", List.of("diffusers", "EulerDiscreteScheduler"),
            "tokenizer", List.of("transformers", "CLIPTokenizer"),
            "image_encoder", java.util.Arrays.asList(null, null));
    JSON.writeValue(model.resolve("model_index.json").toFile(), index);

    AutoencoderKLConfig cfg = AutoencoderKLConfig.tiny();
    RandomWeights w = new RandomWeights(11);
    AutoencoderKL.encoder(cfg, w);
    AutoencoderKL.decoder(cfg, w);
    Path vae = Files.createDirectories(model.resolve("vae"));
    w.save(vae.resolve("diffusion_pytorch_model.safetensors"), DType.F32);
    JSON.writeValue(vae.resolve("config.json").toFile(), cfg.toJson());

    Path checker = Files.createDirectories(model.resolve("safety_checker"));
    RandomWeights u = new RandomWeights(12);
    u.float32("concept_embeds", 17, 8);
    u.save(checker.resolve("model.safetensors"), DType.F32);
    Files.writeString(
        checker.resolve("config.json"), "{\"architectures\": [\"StableDiffusionSafetyChecker\"]}");

    Path scheduler = Files.createDirectories(model.resolve("scheduler"));
    Files.writeString(
        scheduler.resolve("scheduler_config.json"),
        "{\"_class_name\": \"EulerDiscreteScheduler\"}");
    Path tokenizer = Files.createDirectories(model.resolve("tokenizer"));
    Files.writeString(tokenizer.resolve("vocab.json"), "{}");
    Files.writeString(tokenizer.resolve("merges.txt"), "#version: 0.2\n");
    return model;
  }

  @Test
  void exportsThePipelineInTheOptimumLayout(@TempDir Path tmp) throws Exception {
    Path model = tinyPipeline(tmp);
    Path out = tmp.resolve("onnx");
    CliRun run =
        CliRun.of("export-onnx", model.toString(), out.toString(), "--skip", "safety_checker");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("wrote vae_encoder/model.onnx", "wrote vae_decoder/model.onnx")
        .contains("copied scheduler/", "copied tokenizer/", "exported 2 ONNX model(s)");
    for (String f :
        List.of(
            "vae_encoder/model.onnx",
            "vae_encoder/model.onnx_data",
            "vae_encoder/config.json",
            "vae_decoder/model.onnx",
            "vae_decoder/model.onnx_data",
            "vae_decoder/config.json",
            "scheduler/scheduler_config.json",
            "tokenizer/vocab.json",
            "tokenizer/merges.txt",
            "model_index.json")) {
      assertThat(out.resolve(f)).isRegularFile();
    }
    assertThat(out.resolve("safety_checker")).doesNotExist();
    assertThat(out.resolve("vae")).doesNotExist();
    try (InputStream in = Files.newInputStream(out.resolve("vae_decoder/model.onnx"))) {
      List<String> initializers =
          OnnxMl.ModelProto.parseFrom(in).getGraph().getInitializerList().stream()
              .map(OnnxMl.TensorProto::getName)
              .toList();
      assertThat(initializers)
          .as("convolutions are exported in their direct form")
          .contains("decoder.mid_block.resnets.0.conv1.weight")
          .noneMatch(GraphBuilder::isWinogradFilter);
    }
    JsonNode index = JSON.readTree(out.resolve("model_index.json").toFile());
    assertThat(index.get("safety_checker").toString()).isEqualTo("[null,null]");
    assertThat(index.get("vae").toString()).isEqualTo("[\"diffusers\",\"AutoencoderKL\"]");

    FloatTensor latent =
        new FloatTensor(new long[] {1, 4, 3, 4}, Reference.randomNormal(13, 48, 1.0));
    FloatTensor expected;
    try (OnnxSession s =
        runtimes.open(AutoencoderKL.decoder(AutoencoderKLConfig.tiny(), new RandomWeights(11)))) {
      expected = s.runSingle(Map.of(AutoencoderKL.LATENT_SAMPLE, latent));
    }
    try (OnnxSession s = runtimes.open(out.resolve("vae_decoder/model.onnx"))) {
      FloatTensor actual = s.runSingle(Map.of(AutoencoderKL.LATENT_SAMPLE, latent));
      // Equal up to float32 rounding: Easel's own graph computes the 3×3 convolutions with
      // Winograd, the export directly.
      assertThat(Reference.relativeError(actual.data(), Reference.toDouble(expected.data())))
          .isLessThanOrEqualTo(1e-5);
    }
  }

  @Test
  void componentsWithoutAnExporterAreNamedAndNothingIsWritten(@TempDir Path tmp) throws Exception {
    Path model = tinyPipeline(tmp);
    Path out = tmp.resolve("onnx");
    CliRun run = CliRun.of("export-onnx", model.toString(), out.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("safety_checker (StableDiffusionSafetyChecker)", "--skip")
        .doesNotContain("\tat ");
    assertThat(out).doesNotExist();
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model");
    }
  }

  @Test
  void refusesANonEmptyOutputFolder(@TempDir Path tmp) throws Exception {
    Path model = tinyPipeline(tmp);
    Path out = Files.createDirectories(tmp.resolve("onnx"));
    Files.writeString(out.resolve("keep.txt"), "mine");
    CliRun run =
        CliRun.of("export-onnx", model.toString(), out.toString(), "--skip", "safety_checker");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(out.toString(), "not empty");
    assertThat(out.resolve("keep.txt")).hasContent("mine");
  }

  @Test
  void missingModelFolderIsAUsageError(@TempDir Path tmp) {
    CliRun run =
        CliRun.of("export-onnx", tmp.resolve("nope").toString(), tmp.resolve("out").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("nope", "not a folder");
  }

  @Test
  void unknownSkipIsNamed(@TempDir Path tmp) throws Exception {
    Path model = tinyPipeline(tmp);
    CliRun run =
        CliRun.of(
            "export-onnx",
            model.toString(),
            tmp.resolve("out").toString(),
            "--skip",
            "safety_checker,text_encoder");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no component 'text_encoder'");
  }
}
