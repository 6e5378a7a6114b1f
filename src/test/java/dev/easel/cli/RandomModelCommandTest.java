package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomModelCommandTest {
  @Test
  void writesACompleteDiffusersFolder(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("tiny-xl");
    CliRun run = CliRun.of("random-model", out.toString(), "--arch", "tiny-xl", "--inpainting");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("wrote tiny-xl model to");
    for (String f :
        new String[] {
          "model_index.json",
          "unet/config.json",
          "unet/diffusion_pytorch_model.safetensors",
          "vae/config.json",
          "text_encoder/model.safetensors",
          "text_encoder_2/model.safetensors",
          "tokenizer/vocab.json",
          "tokenizer_2/merges.txt",
          "scheduler/scheduler_config.json"
        }) {
      assertThat(out.resolve(f)).isRegularFile();
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode index = json.readTree(out.resolve("model_index.json").toFile());
    assertThat(index.get("_class_name").asText()).isEqualTo("StableDiffusionXLInpaintPipeline");
    JsonNode unet = json.readTree(out.resolve("unet/config.json").toFile());
    assertThat(unet.get("in_channels").asInt()).isEqualTo(9);
    assertThat(unet.get("sample_size").asInt()).isEqualTo(32);
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tiny-xl");
    }
  }

  @Test
  void anUnknownArchitectureListsTheKnownOnes(@TempDir Path tmp) {
    CliRun run = CliRun.of("random-model", tmp.resolve("m").toString(), "--arch", "sd3");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("sd3", "tiny", "tiny-xl", "sd15", "sdxl-turbo");
    assertThat(tmp.resolve("m")).doesNotExist();
  }

  @Test
  void refusesANonEmptyOutputFolder(@TempDir Path tmp) throws Exception {
    Path out = Files.createDirectories(tmp.resolve("m"));
    Files.writeString(out.resolve("notes.txt"), "mine");
    CliRun run = CliRun.of("random-model", out.toString(), "--arch", "tiny");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("not empty").doesNotContain("\tat ");
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
    }
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("m");
    }
  }
}
