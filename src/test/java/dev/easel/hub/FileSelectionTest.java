package dev.easel.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileSelectionTest {
  static final JsonNode INDEX =
      json(
          "{\"_class_name\":\"StableDiffusionPipeline\",\"unet\":[\"diffusers\",\"UNet2DConditionModel\"],"
              + "\"text_encoder\":[\"transformers\",\"CLIPTextModel\"],"
              + "\"tokenizer\":[\"transformers\",\"CLIPTokenizer\"],"
              + "\"scheduler\":[\"diffusers\",\"EulerDiscreteScheduler\"],"
              + "\"safety_checker\":[\"stable_diffusion\",\"StableDiffusionSafetyChecker\"],"
              + "\"feature_extractor\":[null,null],"
              + "\"vae\":[\"diffusers\",\"AutoencoderKL\"]}");

  static JsonNode json(String s) {
    try {
      return new ObjectMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static RepoInfo repo(String... paths) {
    return new RepoInfo(
        "org/model",
        HubFixtures.COMMIT,
        Arrays.stream(paths).map(p -> new RemoteFile(p, 10, null, "b" + p.hashCode())).toList());
  }

  static List<String> select(RepoInfo repo) {
    return FileSelection.select(repo, INDEX).stream().map(RemoteFile::path).toList();
  }

  @Test
  void prefersFp16ShardsAndSkipsPicklesOtherVariantsAndUnusedComponents() {
    RepoInfo r =
        repo(
            "model_index.json",
            "README.md",
            "v1-5-pruned-emaonly.ckpt",
            "v1-5-pruned.safetensors",
            "unet/config.json",
            "unet/diffusion_pytorch_model.safetensors.index.json",
            "unet/diffusion_pytorch_model-00001-of-00002.safetensors",
            "unet/diffusion_pytorch_model-00002-of-00002.safetensors",
            "unet/diffusion_pytorch_model.safetensors.index.fp16.json",
            "unet/diffusion_pytorch_model.fp16-00001-of-00002.safetensors",
            "unet/diffusion_pytorch_model.fp16-00002-of-00002.safetensors",
            "unet/diffusion_pytorch_model.non_ema.safetensors",
            "unet/diffusion_pytorch_model.bin",
            "unet/diffusion_pytorch_model.fp16.bin",
            "unet/diffusion_flax_model.msgpack",
            "text_encoder/config.json",
            "text_encoder/model.safetensors",
            "text_encoder/pytorch_model.bin",
            "text_encoder/pytorch_model.bin.index.json",
            "text_encoder/tf_model.h5",
            "tokenizer/vocab.json",
            "tokenizer/merges.txt",
            "tokenizer/special_tokens_map.json",
            "tokenizer/tokenizer_config.json",
            "scheduler/scheduler_config.json",
            "safety_checker/config.json",
            "safety_checker/model.safetensors",
            "vae/config.json",
            "vae/diffusion_pytorch_model.fp16.safetensors",
            "vae/diffusion_pytorch_model.safetensors",
            "vae/deep/nested.json");
    assertThat(select(r))
        .containsExactlyInAnyOrder(
            "model_index.json",
            "unet/config.json",
            "unet/diffusion_pytorch_model.safetensors.index.fp16.json",
            "unet/diffusion_pytorch_model.fp16-00001-of-00002.safetensors",
            "unet/diffusion_pytorch_model.fp16-00002-of-00002.safetensors",
            "text_encoder/config.json",
            "text_encoder/model.safetensors",
            "tokenizer/vocab.json",
            "tokenizer/merges.txt",
            "tokenizer/special_tokens_map.json",
            "tokenizer/tokenizer_config.json",
            "scheduler/scheduler_config.json",
            "vae/config.json",
            "vae/diffusion_pytorch_model.fp16.safetensors");
    assertThat(select(r).get(0)).isEqualTo("model_index.json");
  }

  @Test
  void aPreExportedOnnxComponentIsUsedWhenThereAreNoSafetensors() {
    RepoInfo r =
        repo(
            "model_index.json",
            "unet/config.json",
            "unet/model.onnx",
            "unet/model.onnx_data",
            "text_encoder/config.json",
            "text_encoder/model.safetensors",
            "tokenizer/vocab.json",
            "scheduler/scheduler_config.json",
            "vae/config.json",
            "vae/diffusion_pytorch_model.safetensors");
    assertThat(select(r)).contains("unet/model.onnx", "unet/model.onnx_data");
  }

  @Test
  void aComponentWithOnlyPicklesIsRefusedWithTheReason() {
    RepoInfo r =
        repo(
            "model_index.json",
            "unet/config.json",
            "unet/diffusion_pytorch_model.bin",
            "text_encoder/config.json",
            "text_encoder/model.safetensors",
            "tokenizer/vocab.json",
            "scheduler/scheduler_config.json",
            "vae/config.json",
            "vae/diffusion_pytorch_model.safetensors");
    assertThatThrownBy(() -> select(r))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("'unet' offers no safetensors")
        .hasMessageContaining("diffusion_pytorch_model.bin")
        .hasMessageContaining("arbitrary code");
  }

  @Test
  void repoIdsAndRevisionsAreParsedAndChecked() {
    assertThat(RepoRef.parse("stabilityai/sd-turbo"))
        .isEqualTo(new RepoRef("stabilityai/sd-turbo", "main"));
    assertThat(RepoRef.parse("stabilityai/sd-turbo@fp16").revision()).isEqualTo("fp16");
    assertThat(RepoRef.looksLikeRepo("stabilityai/sd-turbo")).isTrue();
    assertThat(RepoRef.looksLikeRepo("/models/sd")).isFalse();
    assertThat(RepoRef.looksLikeRepo("sd-turbo")).isFalse();
    assertThatThrownBy(() -> RepoRef.parse("../etc/passwd")).hasMessageContaining("ORG/NAME");
    assertThatThrownBy(() -> RepoRef.parse("a/b@../x")).hasMessageContaining("revision");
  }
}
