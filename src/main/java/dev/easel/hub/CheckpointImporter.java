package dev.easel.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.model.clip.CLIPTextConfig;
import dev.easel.model.safetensors.SafeTensorsFile;
import dev.easel.model.safetensors.SafeTensorsWriter;
import dev.easel.model.safetensors.SafeTensorsWriter.Tensor;
import dev.easel.model.safetensors.TensorInfo;
import dev.easel.model.unet.UNet2DConditionConfig;
import dev.easel.model.vae.AutoencoderKLConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Converts an original-layout single-file Stable Diffusion checkpoint (SD 1.x, SD 2.x, SDXL base,
 * as published by CompVis, Stability AI and most fine-tunes) into a diffusers-layout model folder.
 * The family is recognised from the tensor names (text encoder layout), the component configs from
 * the tensor shapes on top of the family's defaults; weights are renamed as diffusers' {@code
 * single_file_utils.py} does and written once as safetensors, in the checkpoint's own precision.
 */
public final class CheckpointImporter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> PICKLES = Set.of("ckpt", "pt", "pth", "bin", "pkl");
  private static final String UNET = "model.diffusion_model.";
  private static final String VAE = "first_stage_model.";
  private static final String SD1_CLIP = "cond_stage_model.transformer.";
  private static final String SD2_CLIP = "cond_stage_model.model.";
  private static final String XL_CLIP = "conditioner.embedders.0.transformer.";
  private static final String XL_OPEN_CLIP = "conditioner.embedders.1.model.";

  /** The checkpoint families Easel imports. */
  public enum Family {
    SD1("sd15"),
    SD2("sd21"),
    SDXL("sdxl");

    private final String architecture;

    Family(String architecture) {
      this.architecture = architecture;
    }

    /** The {@link dev.easel.model.Architecture} id a checkpoint of this family usually is. */
    public String architecture() {
      return architecture;
    }
  }

  /** What an import made. */
  public record Result(Path folder, Family family, int tensors) {}

  private CheckpointImporter() {}

  /** Refuses pickled checkpoints by their extension, saying why and what to do instead. */
  public static void refusePickle(Path file) {
    String name = file.getFileName().toString();
    String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    if (PICKLES.contains(ext)) {
      throw new HubException(
          name
              + " is a PyTorch pickle: loading it can run arbitrary code hidden in the file, so"
              + " Easel does not read it. Convert it to safetensors on a machine you trust, e.g."
              + " with Python: `import torch, safetensors.torch; sd = torch.load(\""
              + name
              + "\", map_location=\"cpu\", weights_only=True); sd = sd.get(\"state_dict\", sd);"
              + " safetensors.torch.save_file({k: v.contiguous() for k, v in sd.items()},"
              + " \"model.safetensors\")`, or use the same model's .safetensors download, then run"
              + " 'easel import model.safetensors'.");
    }
  }

  /**
   * Imports {@code checkpoint} into the new folder {@code out}.
   *
   * @param vocab a folder with the CLIP {@code vocab.json} and {@code merges.txt}
   */
  public static Result importCheckpoint(Path checkpoint, Path out, Path vocab) throws IOException {
    refusePickle(checkpoint);
    if (Files.exists(out)) {
      throw new HubException(out + " already exists: choose another --name or remove it");
    }
    for (String f : List.of("vocab.json", "merges.txt")) {
      if (!Files.isRegularFile(vocab.resolve(f))) {
        throw new HubException(vocab + " has no " + f + " (expected a CLIP tokenizer folder)");
      }
    }
    try (SafeTensorsFile file = SafeTensorsFile.open(checkpoint)) {
      Map<String, TensorInfo> t = file.tensors();
      Family family = family(t.keySet(), checkpoint);
      Path parent = out.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".importing");
      try {
        int count = write(file, family, tmp, vocab);
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        return new Result(out, family, count);
      } finally {
        HubCache.deleteTree(tmp);
      }
    } catch (IllegalArgumentException e) {
      throw new HubException(checkpoint + ": " + e.getMessage(), e);
    }
  }

  static Family family(Set<String> keys, Path file) {
    if (keys.stream().noneMatch(k -> k.startsWith(UNET))) {
      throw new HubException(
          file
              + " is not an original-layout Stable Diffusion checkpoint (no "
              + UNET
              + "* tensors); a UNet-only or LoRA file cannot be imported as a model");
    }
    if (keys.stream().anyMatch(k -> k.startsWith(XL_OPEN_CLIP))) {
      return Family.SDXL;
    }
    if (keys.stream().anyMatch(k -> k.startsWith(SD2_CLIP))) {
      return Family.SD2;
    }
    if (keys.stream().anyMatch(k -> k.startsWith(SD1_CLIP))) {
      return Family.SD1;
    }
    throw new HubException(
        file
            + ": cannot tell the model family (no cond_stage_model.* or conditioner.embedders.*"
            + " text encoder tensors); SD 1.x, SD 2.x and SDXL base checkpoints are supported");
  }

  private static int write(SafeTensorsFile file, Family family, Path dir, Path vocab)
      throws IOException {
    Map<String, TensorInfo> t = file.tensors();
    ObjectNode index = JSON.createObjectNode();
    CLIPTextConfig text1;
    CLIPTextConfig text2 = null;
    int count = 0;
    if (family == Family.SD2) {
      text1 = openClipConfig(t, SD2_CLIP, false, -1);
      count +=
          component(
              dir,
              index,
              "text_encoder",
              "transformers",
              "CLIPTextModel",
              "model",
              text1.toJson(),
              openClipTensors(file, SD2_CLIP, text1.numHiddenLayers()));
    } else {
      String prefix = family == Family.SDXL ? XL_CLIP : SD1_CLIP;
      text1 = clipConfig(t, prefix);
      count +=
          component(
              dir,
              index,
              "text_encoder",
              "transformers",
              "CLIPTextModel",
              "model",
              text1.toJson(),
              tensors(file, prefix, CheckpointKeys::clip));
    }
    tokenizer(dir.resolve("tokenizer"), vocab, family == Family.SD2 ? "!" : "<|endoftext|>");
    index.putArray("tokenizer").add("transformers").add("CLIPTokenizer");
    if (family == Family.SDXL) {
      text2 = openClipConfig(t, XL_OPEN_CLIP, true, 0);
      count +=
          component(
              dir,
              index,
              "text_encoder_2",
              "transformers",
              "CLIPTextModelWithProjection",
              "model",
              text2.toJson(),
              openClipTensors(file, XL_OPEN_CLIP, text2.numHiddenLayers()));
      tokenizer(dir.resolve("tokenizer_2"), vocab, "!");
      index.putArray("tokenizer_2").add("transformers").add("CLIPTokenizer");
    }
    UNet2DConditionConfig unet = unetConfig(t, family, text2);
    int layers = unet.layersPerBlock()[0];
    count +=
        component(
            dir,
            index,
            "unet",
            "diffusers",
            "UNet2DConditionModel",
            "diffusion_pytorch_model",
            unet.toJson(),
            tensors(file, UNET, k -> CheckpointKeys.unet(k, layers)));
    AutoencoderKLConfig vae = vaeConfig(t, family);
    int levels = vae.blockOutChannels().length;
    count +=
        component(
            dir,
            index,
            "vae",
            "diffusers",
            "AutoencoderKL",
            "diffusion_pytorch_model",
            vae.toJson(),
            vaeTensors(file, levels));
    Files.createDirectories(dir.resolve("scheduler"));
    ObjectNode scheduler = scheduler(family);
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("scheduler/scheduler_config.json").toFile(), scheduler);
    index.putArray("scheduler").add("diffusers").add(scheduler.get("_class_name").asText());
    index.put(
        "_class_name",
        (family == Family.SDXL ? "StableDiffusionXL" : "StableDiffusion")
            + (unet.inChannels() == 9 ? "InpaintPipeline" : "Pipeline"));
    index.put("_diffusers_version", "0.30.0");
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("model_index.json").toFile(), index);
    return count;
  }

  private static int component(
      Path root,
      ObjectNode index,
      String name,
      String library,
      String className,
      String fileBase,
      ObjectNode config,
      Map<String, Tensor> tensors)
      throws IOException {
    Path dir = root.resolve(name);
    Files.createDirectories(dir);
    SafeTensorsWriter.write(
        dir.resolve(fileBase + ".safetensors"), tensors, Map.of("format", "pt"));
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
    index.putArray(name).add(library).add(className);
    return tensors.size();
  }

  // ---- tensors ----------------------------------------------------------------------------

  private static Map<String, Tensor> tensors(
      SafeTensorsFile file, String prefix, UnaryOperator<String> rename) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (TensorInfo info : file.tensors().values()) {
      if (info.name().startsWith(prefix)) {
        String target = rename.apply(info.name().substring(prefix.length()));
        if (target != null) {
          put(out, target, new Tensor(info.dtype(), info.shape(), file.map(info.name())));
        }
      }
    }
    return out;
  }

  private static Map<String, Tensor> vaeTensors(SafeTensorsFile file, int levels) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    tensors(file, VAE, k -> CheckpointKeys.vae(k, levels))
        .forEach(
            (k, v) -> {
              long[] s = v.shape();
              boolean attention = k.contains(".attentions.0.to_") && s.length == 4;
              out.put(k, attention ? new Tensor(v.dtype(), new long[] {s[0], s[1]}, v.data()) : v);
            });
    return out;
  }

  private static Map<String, Tensor> openClipTensors(
      SafeTensorsFile file, String prefix, int layers) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    tensors(file, prefix, k -> CheckpointKeys.openClip(k, layers))
        .forEach(
            (k, v) -> {
              if (k.contains(".self_attn.in_proj_")) {
                String base = k.substring(0, k.indexOf("in_proj_"));
                String kind = k.endsWith("weight") ? "weight" : "bias";
                List<Tensor> parts = splitRows(v, 3, k);
                put(out, base + "q_proj." + kind, parts.get(0));
                put(out, base + "k_proj." + kind, parts.get(1));
                put(out, base + "v_proj." + kind, parts.get(2));
              } else if (k.equals("text_projection.weight")) {
                put(out, k, transpose(v));
              } else {
                put(out, k, v);
              }
            });
    return out;
  }

  private static void put(Map<String, Tensor> out, String key, Tensor t) {
    if (out.put(key, t) != null) {
      throw new IllegalArgumentException("two tensors map to '" + key + "'");
    }
  }

  /** Splits a tensor along its first dimension into {@code n} equal parts (views, no copy). */
  static List<Tensor> splitRows(Tensor t, int n, String name) {
    long[] s = t.shape();
    if (s.length == 0 || s[0] % n != 0) {
      throw new IllegalArgumentException(name + " cannot be split in " + n + " along its rows");
    }
    long[] part = s.clone();
    part[0] = s[0] / n;
    int bytes = t.data().remaining() / n;
    List<Tensor> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ByteBuffer b = t.data().duplicate();
      b.position(b.position() + i * bytes).limit(b.position() + bytes);
      out.add(new Tensor(t.dtype(), part, b.slice().order(ByteOrder.LITTLE_ENDIAN)));
    }
    return out;
  }

  /** A 2-D tensor transposed (copied), in any element type. */
  static Tensor transpose(Tensor t) {
    long[] s = t.shape();
    if (s.length != 2) {
      throw new IllegalArgumentException("text_projection must be 2-D, got " + s.length + "-D");
    }
    int rows = (int) s[0];
    int cols = (int) s[1];
    int e = t.dtype().size();
    ByteBuffer in = t.data().duplicate();
    int base = in.position();
    ByteBuffer out = ByteBuffer.allocateDirect(rows * cols * e).order(ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < cols; c++) {
      for (int r = 0; r < rows; r++) {
        for (int b = 0; b < e; b++) {
          out.put(in.get(base + (r * cols + c) * e + b));
        }
      }
    }
    out.flip();
    return new Tensor(t.dtype(), new long[] {cols, rows}, out);
  }

  // ---- configs ----------------------------------------------------------------------------

  private static long[] shape(Map<String, TensorInfo> t, String key) {
    TensorInfo info = t.get(key);
    if (info == null) {
      throw new IllegalArgumentException("missing tensor '" + key + "'");
    }
    return info.shape();
  }

  private static int count(Map<String, TensorInfo> t, String prefix, String suffix) {
    int n = 0;
    while (t.containsKey(prefix + n + suffix)) {
      n++;
    }
    return n;
  }

  /** Attention heads for a width: the family's rule, else the largest small divisor. */
  private static int heads(int width, Family family) {
    if (family == Family.SD1 && width % 8 == 0) {
      return 8;
    }
    if (family != Family.SD1 && width % 64 == 0) {
      return width / 64;
    }
    for (int h : new int[] {8, 4, 2}) {
      if (width % h == 0) {
        return h;
      }
    }
    return 1;
  }

  private static int groups(int[] channels) {
    for (int g : new int[] {32, 16, 8, 4, 2}) {
      boolean all = true;
      for (int c : channels) {
        all &= c % g == 0;
      }
      if (all) {
        return g;
      }
    }
    return 1;
  }

  static UNet2DConditionConfig unetConfig(
      Map<String, TensorInfo> t, Family family, CLIPTextConfig text2) {
    String p = UNET;
    int firstOp = 1;
    while (firstOp < 1000 && !t.containsKey(p + "input_blocks." + firstOp + ".0.op.weight")) {
      firstOp++;
    }
    if (firstOp == 1000) {
      throw new IllegalArgumentException("the UNet has no downsampling layers");
    }
    int layers = firstOp - 1;
    int blocks = 1;
    while (t.containsKey(p + "input_blocks." + (blocks + 1) * (layers + 1) + ".0.op.weight")) {
      blocks++;
    }
    blocks++;
    int[] channels = new int[blocks];
    int[] transformers = new int[blocks];
    int[] heads = new int[blocks];
    int[] layerCounts = new int[blocks];
    List<String> down = new ArrayList<>();
    List<String> up = new ArrayList<>();
    boolean linear = false;
    int cross = 0;
    for (int b = 0; b < blocks; b++) {
      String first = p + "input_blocks." + (1 + b * (layers + 1));
      channels[b] = (int) shape(t, first + ".0.out_layers.3.weight")[0];
      layerCounts[b] = layers;
      heads[b] = heads(channels[b], family);
      boolean attention = t.containsKey(first + ".1.proj_in.weight");
      down.add(attention ? UNet2DConditionConfig.CROSS_ATTN_DOWN : UNet2DConditionConfig.DOWN);
      up.add(0, attention ? UNet2DConditionConfig.CROSS_ATTN_UP : UNet2DConditionConfig.UP);
      transformers[b] = attention ? count(t, first + ".1.transformer_blocks.", ".norm1.weight") : 1;
      if (attention) {
        linear = shape(t, first + ".1.proj_in.weight").length == 2;
        cross = (int) shape(t, first + ".1.transformer_blocks.0.attn2.to_k.weight")[1];
      }
    }
    int[] crossDims = new int[blocks];
    java.util.Arrays.fill(crossDims, cross);
    long[] convIn = shape(t, p + "input_blocks.0.0.weight");
    long[] convOut = shape(t, p + "out.2.weight");
    String addition = null;
    int addTimeDim = 0;
    int projection = 0;
    if (t.containsKey(p + "label_emb.0.0.weight")) {
      if (text2 == null) {
        throw new IllegalArgumentException("a UNet with label_emb needs SDXL's second encoder");
      }
      addition = UNet2DConditionConfig.TEXT_TIME;
      projection = (int) shape(t, p + "label_emb.0.0.weight")[1];
      addTimeDim = (projection - text2.projectionDim()) / 6;
    }
    return new UNet2DConditionConfig(
        switch (family) {
          case SD1 -> 64;
          case SD2 -> 96;
          case SDXL -> 128;
        },
        (int) convIn[1],
        (int) convOut[0],
        false,
        true,
        0,
        down,
        up,
        channels,
        layerCounts,
        1,
        1,
        groups(channels),
        1e-5,
        crossDims,
        transformers,
        heads,
        linear,
        family == Family.SD2,
        addition,
        addTimeDim,
        projection,
        (int) shape(t, p + "time_embed.0.weight")[0],
        (int) convIn[2],
        (int) convOut[2]);
  }

  static AutoencoderKLConfig vaeConfig(Map<String, TensorInfo> t, Family family) {
    String p = VAE;
    int levels = count(t, p + "encoder.down.", ".block.0.conv1.weight");
    if (levels == 0) {
      throw new IllegalArgumentException("no VAE (first_stage_model.*) tensors");
    }
    int[] channels = new int[levels];
    for (int i = 0; i < levels; i++) {
      channels[i] = (int) shape(t, p + "encoder.down." + i + ".block.0.conv2.weight")[0];
    }
    return new AutoencoderKLConfig(
        (int) shape(t, p + "encoder.conv_in.weight")[1],
        (int) shape(t, p + "decoder.conv_out.weight")[0],
        (int) shape(t, p + "decoder.conv_in.weight")[1],
        channels,
        count(t, p + "encoder.down.0.block.", ".conv1.weight"),
        groups(channels),
        switch (family) {
          case SD1 -> 512;
          case SD2 -> 768;
          case SDXL -> 1024;
        },
        family == Family.SDXL ? 0.13025 : 0.18215,
        0,
        t.containsKey(p + "quant_conv.weight"),
        t.containsKey(p + "post_quant_conv.weight"),
        t.containsKey(p + "encoder.mid.attn_1.q.weight"));
  }

  private static CLIPTextConfig clipConfig(Map<String, TensorInfo> t, String prefix) {
    String p =
        t.containsKey(prefix + "text_model.embeddings.token_embedding.weight")
            ? prefix + "text_model."
            : prefix;
    long[] tokens = shape(t, p + "embeddings.token_embedding.weight");
    int hidden = (int) tokens[1];
    int vocab = (int) tokens[0];
    return text(
        vocab,
        hidden,
        (int) shape(t, p + "encoder.layers.0.mlp.fc1.weight")[0],
        count(t, p + "encoder.layers.", ".mlp.fc1.weight"),
        (int) shape(t, p + "embeddings.position_embedding.weight")[0],
        "quick_gelu",
        hidden,
        false);
  }

  /**
   * @param drop transformer layers diffusers leaves out (-1: SD 2.x's last layer, whose output the
   *     model never uses)
   */
  private static CLIPTextConfig openClipConfig(
      Map<String, TensorInfo> t, String p, boolean projected, int drop) {
    long[] tokens = shape(t, p + "token_embedding.weight");
    int hidden = (int) tokens[1];
    int layers = count(t, p + "transformer.resblocks.", ".ln_1.weight") + drop;
    return text(
        (int) tokens[0],
        hidden,
        (int) shape(t, p + "transformer.resblocks.0.mlp.c_fc.weight")[0],
        layers,
        (int) shape(t, p + "positional_embedding")[0],
        "gelu",
        projected ? (int) shape(t, p + "text_projection")[1] : hidden,
        projected);
  }

  private static CLIPTextConfig text(
      int vocab,
      int hidden,
      int mlp,
      int layers,
      int positions,
      String act,
      int projection,
      boolean projected) {
    boolean real = vocab == 49408;
    int heads = hidden % 64 == 0 ? hidden / 64 : heads(hidden, Family.SD1);
    return new CLIPTextConfig(
        vocab,
        hidden,
        mlp,
        layers,
        heads,
        positions,
        act,
        1e-5,
        projection,
        real ? 0 : vocab - 2,
        real ? 2 : vocab - 1,
        real ? 1 : vocab - 1,
        projected);
  }

  private static ObjectNode scheduler(Family family) {
    ObjectNode o = JSON.createObjectNode();
    o.put("_class_name", "EulerDiscreteScheduler");
    o.put("_diffusers_version", "0.30.0");
    o.put("beta_start", 0.00085);
    o.put("beta_end", 0.012);
    o.put("beta_schedule", "scaled_linear");
    o.put("num_train_timesteps", 1000);
    o.put("prediction_type", family == Family.SD2 ? "v_prediction" : "epsilon");
    o.put("timestep_spacing", "leading");
    o.put("steps_offset", 1);
    o.put("clip_sample", false);
    o.put("set_alpha_to_one", false);
    return o;
  }

  private static void tokenizer(Path dir, Path vocab, String padToken) throws IOException {
    Files.createDirectories(dir);
    for (String f : List.of("vocab.json", "merges.txt")) {
      Files.copy(vocab.resolve(f), dir.resolve(f));
    }
    ObjectNode special = JSON.createObjectNode();
    special.put("bos_token", "<|startoftext|>");
    special.put("eos_token", "<|endoftext|>");
    special.put("pad_token", padToken);
    special.put("unk_token", "<|endoftext|>");
    ObjectNode config = special.deepCopy();
    config.put("model_max_length", 77);
    config.put("do_lower_case", true);
    config.put("tokenizer_class", "CLIPTokenizer");
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("special_tokens_map.json").toFile(), special);
  }
}
