package dev.easel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.engine.Cancellation;
import dev.easel.engine.ProgressListener;
import dev.easel.engine.StableDiffusionLoader;
import dev.easel.engine.StableDiffusionPipeline;
import dev.easel.engine.TinyModels;
import dev.easel.model.Architecture;
import dev.easel.model.safetensors.SafeTensorsWriter.Tensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointImporterTest {
  @TempDir Path work;
  @TempDir Path modelsDir;

  CliRun importCli(Path ckpt, String... more) {
    String[] base = {
      "--set",
      "models.dir=" + modelsDir,
      "--set",
      "hub.cache-dir=" + work.resolve("hf"),
      "import",
      ckpt.toString()
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return CliRun.of(all);
  }

  void importsAndRuns(Architecture arch, String family, String... components) throws IOException {
    Path source = TinyModels.folder(arch, false);
    Path ckpt = work.resolve("single.safetensors");
    OriginalCheckpoint.write(source, ckpt, arch.isXl());

    CliRun run =
        importCli(ckpt, "--name", "imported", "--vocab", source.resolve("tokenizer").toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("imported single.safetensors (" + family);
    Path out = modelsDir.resolve("imported");

    for (String c : components) {
      Map<String, Tensor> expected = OriginalCheckpoint.read(source.resolve(c));
      Map<String, Tensor> actual = OriginalCheckpoint.read(out.resolve(c));
      assertThat(actual.keySet()).as(c).containsExactlyInAnyOrderElementsOf(expected.keySet());
      expected.forEach(
          (k, v) -> {
            assertThat(actual.get(k).shape()).as(k).isEqualTo(v.shape());
            assertThat(actual.get(k).data()).as(k).isEqualTo(v.data());
          });
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode want = json.readTree(source.resolve("unet/config.json").toFile());
    JsonNode got = json.readTree(out.resolve("unet/config.json").toFile());
    for (String key :
        new String[] {
          "block_out_channels",
          "layers_per_block",
          "down_block_types",
          "up_block_types",
          "cross_attention_dim",
          "transformer_layers_per_block",
          "use_linear_projection",
          "in_channels",
          "addition_embed_type",
          "addition_time_embed_dim",
          "projection_class_embeddings_input_dim"
        }) {
      assertThat(got.get(key)).as(key).isEqualTo(want.get(key));
    }

    try (StableDiffusionPipeline p =
        StableDiffusionLoader.load(out, new OnnxRuntimes(RuntimeOptions.cpu()), 1)) {
      var images = p.generate(ModelPullerTest.request(), ProgressListener.NONE, new Cancellation());
      assertThat(images.images()).hasSize(1);
      assertThat(images.images().get(0).image().width()).isEqualTo(64);
    }
  }

  @Test
  void importsAnSd1CheckpointExactlyAndItGenerates() throws IOException {
    importsAndRuns(Architecture.TINY, "sd15", "unet", "vae", "text_encoder");
  }

  @Test
  void importsAnSdxlCheckpointSplittingOpenClipAttention() throws IOException {
    importsAndRuns(Architecture.TINY_XL, "sdxl", "unet", "vae", "text_encoder", "text_encoder_2");
  }

  @Test
  void picklesAreRefusedWithTheReasonAndTheWayOut() throws IOException {
    Path ckpt = Files.write(work.resolve("model.ckpt"), new byte[16]);
    CliRun run = importCli(ckpt);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("arbitrary code", "safetensors.torch.save_file")
        .doesNotContain("\tat ");
  }

  @Test
  void withoutAVocabularyItSaysWhereToGetOne() throws IOException {
    Path ckpt = work.resolve("single.safetensors");
    OriginalCheckpoint.write(TinyModels.folder(Architecture.TINY, false), ckpt, false);
    CliRun run = importCli(ckpt);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--vocab DIR", "not shipped");
    assertThat(modelsDir.resolve("single")).doesNotExist();
  }

  @Test
  void aFileThatIsNotACheckpointIsRefusedByName() throws IOException {
    Path lora = work.resolve("lora.safetensors");
    dev.easel.model.safetensors.SafeTensorsWriter.write(
        lora,
        Map.of(
            "lora_unet_down.weight",
            new Tensor(
                dev.easel.model.safetensors.DType.F32,
                new long[] {1},
                java.nio.ByteBuffer.allocate(4))),
        Map.of());
    CliRun run =
        importCli(
            lora,
            "--vocab",
            TinyModels.folder(Architecture.TINY, false).resolve("tokenizer").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("not an original-layout Stable Diffusion checkpoint");
  }

  @Test
  void realCheckpointKeysMapToDiffusersNames() {
    assertThat(CheckpointKeys.unet("input_blocks.1.1.proj_in.weight", 2))
        .isEqualTo("down_blocks.0.attentions.0.proj_in.weight");
    assertThat(CheckpointKeys.unet("input_blocks.3.0.op.weight", 2))
        .isEqualTo("down_blocks.0.downsamplers.0.conv.weight");
    assertThat(CheckpointKeys.unet("input_blocks.4.0.skip_connection.bias", 2))
        .isEqualTo("down_blocks.1.resnets.0.conv_shortcut.bias");
    assertThat(CheckpointKeys.unet("output_blocks.2.1.conv.weight", 2))
        .isEqualTo("up_blocks.0.upsamplers.0.conv.weight");
    assertThat(CheckpointKeys.unet("output_blocks.5.2.conv.bias", 2))
        .isEqualTo("up_blocks.1.upsamplers.0.conv.bias");
    assertThat(CheckpointKeys.unet("output_blocks.11.1.transformer_blocks.0.attn2.to_k.weight", 2))
        .isEqualTo("up_blocks.3.attentions.2.transformer_blocks.0.attn2.to_k.weight");
    assertThat(CheckpointKeys.unet("middle_block.2.emb_layers.1.weight", 2))
        .isEqualTo("mid_block.resnets.1.time_emb_proj.weight");
    assertThat(CheckpointKeys.vae("encoder.down.0.block.0.norm1.weight", 4))
        .isEqualTo("encoder.down_blocks.0.resnets.0.norm1.weight");
    assertThat(CheckpointKeys.vae("decoder.up.3.upsample.conv.weight", 4))
        .isEqualTo("decoder.up_blocks.0.upsamplers.0.conv.weight");
    assertThat(CheckpointKeys.vae("decoder.mid.attn_1.proj_out.bias", 4))
        .isEqualTo("decoder.mid_block.attentions.0.to_out.0.bias");
    assertThat(CheckpointKeys.openClip("transformer.resblocks.22.attn.in_proj_weight", 23))
        .isEqualTo("text_model.encoder.layers.22.self_attn.in_proj_weight");
    assertThat(CheckpointKeys.openClip("transformer.resblocks.23.ln_1.weight", 23)).isNull();
    assertThat(CheckpointKeys.clip("text_model.embeddings.position_ids")).isNull();
  }
}
