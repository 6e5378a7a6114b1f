package dev.easel.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.model.clip.CLIPTextConfig;
import dev.easel.model.clip.CLIPTextModel;
import dev.easel.model.clip.CLIPTextModelWithProjection;
import dev.easel.model.clip.TinyVocabulary;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.safetensors.DType;
import dev.easel.model.unet.UNet2DConditionConfig;
import dev.easel.model.unet.UNet2DConditionModel;
import dev.easel.model.vae.AutoencoderKL;
import dev.easel.model.vae.AutoencoderKLConfig;
import dev.easel.model.vae.AutoencoderTiny;
import dev.easel.model.vae.AutoencoderTinyConfig;
import dev.easel.model.weights.RandomWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Writes a complete diffusers-layout model folder with random weights: every component's weights
 * are defined by running its graph builder against {@link RandomWeights}, so the files have exactly
 * the names and shapes real downloads have. Tests use {@code tiny}; benchmarks the full shapes.
 */
public final class RandomModel {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RandomModel() {}

  /**
   * Writes the model into {@code out} (created; must not exist or be empty), atomically: a
   * temporary sibling folder is filled and then moved into place.
   *
   * @param vocab folder holding a real CLIP {@code vocab.json} and {@code merges.txt}, or null for
   *     the small built-in vocabulary
   */
  public static void write(
      Path out, Architecture arch, boolean inpainting, long seed, DType dtype, Path vocab)
      throws IOException {
    if (Files.exists(out)) {
      try (Stream<Path> s = Files.list(out)) {
        if (s.findAny().isPresent()) {
          throw new IOException(out + " already exists and is not empty");
        }
      }
    }
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".partial");
    try {
      Spec spec = Spec.of(arch, inpainting, vocab == null ? TinyVocabulary.VOCAB_SIZE : 49408);
      ObjectNode index = JSON.createObjectNode();
      index.put("_class_name", spec.pipelineClass(inpainting));
      index.put("_diffusers_version", "0.30.0");
      index.put("_easel_architecture", arch.id());
      component(
          tmp,
          index,
          "unet",
          "diffusers",
          "UNet2DConditionModel",
          "diffusion_pytorch_model",
          spec.unet().toJson(),
          w -> UNet2DConditionModel.build(spec.unet(), w),
          seed,
          dtype);
      component(
          tmp,
          index,
          "vae",
          "diffusers",
          "AutoencoderKL",
          "diffusion_pytorch_model",
          spec.vae().toJson(),
          w -> {
            AutoencoderKL.encoder(spec.vae(), w);
            return AutoencoderKL.decoder(spec.vae(), w);
          },
          seed + 1,
          dtype);
      // previews and fast decoding; left out of model_index.json, which diffusers would reject
      AutoencoderTinyConfig taesd =
          AutoencoderTinyConfig.matching(spec.vae().latentChannels(), spec.vae().downscale());
      component(
          tmp,
          JSON.createObjectNode(),
          "taesd",
          "diffusers",
          "AutoencoderTiny",
          "diffusion_pytorch_model",
          taesd.toJson(),
          w -> {
            AutoencoderTiny.encoder(taesd, w, AutoencoderTiny.Layout.DIFFUSERS);
            return AutoencoderTiny.decoder(taesd, w, AutoencoderTiny.Layout.DIFFUSERS);
          },
          seed + 4,
          dtype);
      component(
          tmp,
          index,
          "text_encoder",
          "transformers",
          "CLIPTextModel",
          "model",
          spec.text1().toJson(),
          w -> CLIPTextModel.build(spec.text1(), w, CLIPTextModel.Options.DEFAULT),
          seed + 2,
          dtype);
      tokenizer(tmp.resolve("tokenizer"), vocab, "<|endoftext|>");
      index.putArray("tokenizer").add("transformers").add("CLIPTokenizer");
      if (spec.text2() != null) {
        component(
            tmp,
            index,
            "text_encoder_2",
            "transformers",
            "CLIPTextModelWithProjection",
            "model",
            spec.text2().toJson(),
            w -> CLIPTextModelWithProjection.build(spec.text2(), w, CLIPTextModel.Options.DEFAULT),
            seed + 3,
            dtype);
        tokenizer(tmp.resolve("tokenizer_2"), vocab, "!");
        index.putArray("tokenizer_2").add("transformers").add("CLIPTokenizer");
      }
      Files.createDirectories(tmp.resolve("scheduler"));
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(tmp.resolve("scheduler/scheduler_config.json").toFile(), spec.scheduler());
      index
          .putArray("scheduler")
          .add("diffusers")
          .add(spec.scheduler().get("_class_name").asText());
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(tmp.resolve("model_index.json").toFile(), index);
      if (Files.exists(out)) {
        Files.delete(out);
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      if (Files.getFileStore(out).supportsFileAttributeView("posix")) {
        // createTempDirectory makes the folder private; a model folder is as readable as any other
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    } finally {
      deleteRecursively(tmp);
    }
  }

  private static void component(
      Path root,
      ObjectNode index,
      String name,
      String library,
      String className,
      String fileBase,
      ObjectNode config,
      Function<RandomWeights, OnnxGraph> builder,
      long seed,
      DType dtype)
      throws IOException {
    Path dir = root.resolve(name);
    Files.createDirectories(dir);
    RandomWeights weights = new RandomWeights(seed);
    builder.apply(weights);
    String suffix = dtype == DType.F16 ? ".fp16.safetensors" : ".safetensors";
    weights.save(dir.resolve(fileBase + suffix), dtype);
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
    index.putArray(name).add(library).add(className);
  }

  private static void tokenizer(Path dir, Path vocab, String padToken) throws IOException {
    if (vocab == null) {
      TinyVocabulary.write(dir, padToken);
      return;
    }
    Files.createDirectories(dir);
    for (String f : new String[] {"vocab.json", "merges.txt"}) {
      Path src = vocab.resolve(f);
      if (!Files.isRegularFile(src)) {
        throw new IOException(vocab + " has no " + f + " (expected a CLIP vocabulary folder)");
      }
      Files.copy(src, dir.resolve(f));
    }
    ObjectNode cfg = JSON.createObjectNode();
    cfg.put("tokenizer_class", "CLIPTokenizer");
    cfg.put("model_max_length", 77);
    cfg.put("bos_token", "<|startoftext|>");
    cfg.put("eos_token", "<|endoftext|>");
    cfg.put("unk_token", "<|endoftext|>");
    cfg.put("pad_token", padToken);
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              f -> {
                try {
                  Files.delete(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  /** The component configurations of one architecture. */
  record Spec(
      UNet2DConditionConfig unet,
      AutoencoderKLConfig vae,
      CLIPTextConfig text1,
      CLIPTextConfig text2,
      ObjectNode scheduler) {

    String pipelineClass(boolean inpainting) {
      String base = text2 != null ? "StableDiffusionXL" : "StableDiffusion";
      return base + (inpainting ? "InpaintPipeline" : "Pipeline");
    }

    static Spec of(Architecture arch, boolean inpainting, int vocabSize) {
      Spec s =
          switch (arch) {
            case TINY ->
                new Spec(
                    UNet2DConditionConfig.tiny(),
                    AutoencoderKLConfig.tiny(),
                    CLIPTextConfig.tiny(vocabSize),
                    null,
                    scheduler("EulerAncestralDiscreteScheduler", "leading", "epsilon"));
            case TINY_XL ->
                new Spec(
                    UNet2DConditionConfig.tinyXl(),
                    AutoencoderKLConfig.tiny(),
                    CLIPTextConfig.tinyXl1(vocabSize),
                    CLIPTextConfig.tinyXl2(vocabSize),
                    scheduler("EulerDiscreteScheduler", "leading", "epsilon"));
            case SD15 ->
                new Spec(
                    UNet2DConditionConfig.sd15(),
                    AutoencoderKLConfig.sd(),
                    CLIPTextConfig.sd15(),
                    null,
                    scheduler("DPMSolverMultistepScheduler", "leading", "epsilon"));
            case SD21 ->
                new Spec(
                    UNet2DConditionConfig.sd21(),
                    AutoencoderKLConfig.sd21(),
                    CLIPTextConfig.sd21(),
                    null,
                    scheduler("DDIMScheduler", "leading", "v_prediction"));
            case SD_TURBO ->
                new Spec(
                    UNet2DConditionConfig.sdTurbo(),
                    AutoencoderKLConfig.sd(),
                    CLIPTextConfig.sd21(),
                    null,
                    scheduler("EulerDiscreteScheduler", "trailing", "epsilon"));
            case SDXL ->
                new Spec(
                    UNet2DConditionConfig.sdxl(),
                    AutoencoderKLConfig.sdxl(),
                    CLIPTextConfig.sdxl1(),
                    CLIPTextConfig.sdxl2(),
                    scheduler("EulerDiscreteScheduler", "leading", "epsilon"));
            case SDXL_TURBO ->
                new Spec(
                    UNet2DConditionConfig.sdxlTurbo(),
                    AutoencoderKLConfig.sdxl(),
                    CLIPTextConfig.sdxl1(),
                    CLIPTextConfig.sdxl2(),
                    scheduler("EulerAncestralDiscreteScheduler", "trailing", "epsilon"));
          };
      // diffusers' default output size is the UNet's sample_size times the VAE's downscale.
      UNet2DConditionConfig unet = s.unet.withSampleSize(arch.nativeSize() / s.vae.downscale());
      return new Spec(
          inpainting ? unet.withInChannels(9) : unet, s.vae, s.text1, s.text2, s.scheduler);
    }

    /** The training schedule every SD model shares, with the sampler and spacing it ships. */
    private static ObjectNode scheduler(String className, String spacing, String prediction) {
      ObjectNode o = JSON.createObjectNode();
      o.put("_class_name", className);
      o.put("_diffusers_version", "0.30.0");
      o.put("beta_start", 0.00085);
      o.put("beta_end", 0.012);
      o.put("beta_schedule", "scaled_linear");
      o.put("num_train_timesteps", 1000);
      o.put("prediction_type", prediction);
      o.put("timestep_spacing", spacing);
      o.put("steps_offset", 1);
      o.put("clip_sample", false);
      o.put("set_alpha_to_one", false);
      return o;
    }
  }
}
