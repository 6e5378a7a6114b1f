package dev.easel.model.unet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.model.ComponentConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * diffusers' {@code UNet2DConditionModel} configuration, restricted to what the Stable Diffusion
 * family (SD 1.x, SD 2.x, SD-Turbo, SDXL, SDXL-Turbo and their inpainting variants) uses. Per-block
 * lists are expanded to one entry per down block.
 *
 * @param attentionHeads the number of attention heads per down block (diffusers' {@code
 *     attention_head_dim}, which in practice is the number of heads)
 * @param additionEmbedType {@code null} or {@code "text_time"} (SDXL's pooled text and size
 *     conditioning)
 * @param timeEmbedDim width of the projected time embedding ({@code time_embedding_dim}, by default
 *     4 × the first block's channels)
 */
public record UNet2DConditionConfig(
    int sampleSize,
    int inChannels,
    int outChannels,
    boolean centerInputSample,
    boolean flipSinToCos,
    double freqShift,
    List<String> downBlockTypes,
    List<String> upBlockTypes,
    int[] blockOutChannels,
    int[] layersPerBlock,
    int downsamplePadding,
    double midBlockScaleFactor,
    int normNumGroups,
    double normEps,
    int[] crossAttentionDim,
    int[] transformerLayersPerBlock,
    int[] attentionHeads,
    boolean useLinearProjection,
    boolean upcastAttention,
    String additionEmbedType,
    int additionTimeEmbedDim,
    int projectionClassEmbeddingsInputDim,
    int timeEmbedDim,
    int convInKernel,
    int convOutKernel) {

  public static final String CROSS_ATTN_DOWN = "CrossAttnDownBlock2D";
  public static final String DOWN = "DownBlock2D";
  public static final String CROSS_ATTN_UP = "CrossAttnUpBlock2D";
  public static final String UP = "UpBlock2D";
  public static final String MID = "UNetMidBlock2DCrossAttn";
  public static final String TEXT_TIME = "text_time";

  private static final ObjectMapper JSON = new ObjectMapper();

  public UNet2DConditionConfig {
    downBlockTypes = List.copyOf(downBlockTypes);
    upBlockTypes = List.copyOf(upBlockTypes);
  }

  public int blocks() {
    return blockOutChannels.length;
  }

  public boolean hasTextTime() {
    return TEXT_TIME.equals(additionEmbedType);
  }

  /** Channels of each attention head in down block {@code i} (and the mid block for the last). */
  public int headDim(int i) {
    return blockOutChannels[i] / attentionHeads[i];
  }

  /** Width of the pooled text embedding SDXL passes next to {@code time_ids}. */
  public int textEmbedsDim(int timeIds) {
    return projectionClassEmbeddingsInputDim - timeIds * additionTimeEmbedDim;
  }

  // ---- shapes ---------------------------------------------------------------------------------

  /** A few-thousand-parameter SD-shaped UNet for tests (runs in milliseconds). */
  public static UNet2DConditionConfig tiny() {
    return new UNet2DConditionConfig(
        8,
        4,
        4,
        false,
        true,
        0,
        List.of(CROSS_ATTN_DOWN, DOWN),
        List.of(UP, CROSS_ATTN_UP),
        new int[] {32, 64},
        new int[] {1, 1},
        1,
        1,
        8,
        1e-5,
        new int[] {32, 32},
        new int[] {1, 1},
        new int[] {2, 2},
        false,
        false,
        null,
        0,
        0,
        128,
        3,
        3);
  }

  /** {@link #tiny()} with the inpainting input (latents, mask, masked-image latents). */
  public static UNet2DConditionConfig tinyInpainting() {
    return tiny().withInChannels(9);
  }

  /**
   * A tiny SDXL-shaped UNet: text_time addition embedding, several transformer layers, no attention
   * at the first level, linear projections.
   */
  public static UNet2DConditionConfig tinyXl() {
    return new UNet2DConditionConfig(
        8,
        4,
        4,
        false,
        true,
        0,
        List.of(DOWN, CROSS_ATTN_DOWN, CROSS_ATTN_DOWN),
        List.of(CROSS_ATTN_UP, CROSS_ATTN_UP, UP),
        new int[] {32, 64, 64},
        new int[] {1, 1, 1},
        1,
        1,
        8,
        1e-5,
        new int[] {48, 48, 48},
        new int[] {1, 2, 2},
        new int[] {2, 2, 4},
        true,
        false,
        TEXT_TIME,
        8,
        32 + 6 * 8,
        128,
        3,
        3);
  }

  public static UNet2DConditionConfig sd15() {
    return sd(768, new int[] {8, 8, 8, 8}, false, false, 64);
  }

  /** stable-diffusion-2-1 (768 px, v-prediction). */
  public static UNet2DConditionConfig sd21() {
    return sd(1024, new int[] {5, 10, 20, 20}, true, true, 96);
  }

  /** SD-Turbo: the SD 2.1 architecture at 512 px. */
  public static UNet2DConditionConfig sdTurbo() {
    return sd(1024, new int[] {5, 10, 20, 20}, true, false, 64);
  }

  private static UNet2DConditionConfig sd(
      int crossDim, int[] heads, boolean linear, boolean upcast, int sampleSize) {
    return new UNet2DConditionConfig(
        sampleSize,
        4,
        4,
        false,
        true,
        0,
        List.of(CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, DOWN),
        List.of(UP, CROSS_ATTN_UP, CROSS_ATTN_UP, CROSS_ATTN_UP),
        new int[] {320, 640, 1280, 1280},
        new int[] {2, 2, 2, 2},
        1,
        1,
        32,
        1e-5,
        new int[] {crossDim, crossDim, crossDim, crossDim},
        new int[] {1, 1, 1, 1},
        heads,
        linear,
        upcast,
        null,
        0,
        0,
        1280,
        3,
        3);
  }

  public static UNet2DConditionConfig sdxl() {
    return new UNet2DConditionConfig(
        128,
        4,
        4,
        false,
        true,
        0,
        List.of(DOWN, CROSS_ATTN_DOWN, CROSS_ATTN_DOWN),
        List.of(CROSS_ATTN_UP, CROSS_ATTN_UP, UP),
        new int[] {320, 640, 1280},
        new int[] {2, 2, 2},
        1,
        1,
        32,
        1e-5,
        new int[] {2048, 2048, 2048},
        new int[] {1, 2, 10},
        new int[] {5, 10, 20},
        true,
        false,
        TEXT_TIME,
        256,
        2816,
        1280,
        3,
        3);
  }

  /** SDXL-Turbo: the SDXL architecture, trained for 512 px. */
  public static UNet2DConditionConfig sdxlTurbo() {
    return sdxl().withSampleSize(64);
  }

  public UNet2DConditionConfig withInChannels(int channels) {
    return with("in_channels", channels);
  }

  public UNet2DConditionConfig withSampleSize(int size) {
    return with("sample_size", size);
  }

  /** A copy with one {@code config.json} key changed, read back through {@link #from}. */
  private UNet2DConditionConfig with(String key, int value) {
    ObjectNode json = toJson();
    json.put(key, value);
    return from(ComponentConfig.of(Path.of("config.json"), json));
  }

  // ---- config.json ----------------------------------------------------------------------------

  /** Reads {@code dir/config.json}. */
  public static UNet2DConditionConfig read(Path dir) {
    return from(ComponentConfig.read(dir));
  }

  /**
   * Parses a diffusers config, refusing by name every value that changes the architecture in a way
   * Easel does not build.
   */
  public static UNet2DConditionConfig from(ComponentConfig c) {
    c.getChoice("_class_name", "UNet2DConditionModel", Set.of("UNet2DConditionModel"));
    refuseIfSet(c, "num_attention_heads", "diffusers derives the heads from attention_head_dim");
    refuseIfSet(c, "class_embed_type", "class embeddings are not used by Stable Diffusion");
    refuseIfSet(c, "num_class_embeds", "class embeddings are not used by Stable Diffusion");
    refuseIfSet(c, "encoder_hid_dim", "encoder_hidden_states projections are not supported");
    refuseIfSet(c, "encoder_hid_dim_type", "encoder_hidden_states projections are not supported");
    refuseIfSet(c, "time_embedding_act_fn", "only the plain time embedding is supported");
    refuseIfSet(c, "timestep_post_act", "only the plain time embedding is supported");
    refuseIfSet(c, "time_cond_proj_dim", "guidance-embedding (LCM) UNets are not supported");
    refuseIfSet(c, "cross_attention_norm", "only un-normalized cross-attention is supported");
    refuseIfSet(
        c,
        "reverse_transformer_layers_per_block",
        "asymmetric transformer depths are not supported");
    refuseIfTrue(c, "dual_cross_attention");
    refuseIfTrue(c, "class_embeddings_concat");
    c.getChoice("time_embedding_type", "positional", Set.of("positional"));
    c.getChoice("mid_block_type", MID, Set.of(MID));
    c.getChoice("attention_type", "default", Set.of("default"));
    c.getChoice("resnet_time_scale_shift", "default", Set.of("default"));
    c.getChoice("act_fn", "silu", Set.of("silu"));
    String addition = c.getChoice("addition_embed_type", null, Set.of(TEXT_TIME));
    refuseOnlyCrossAttention(c);

    List<String> down =
        c.getStrings(
            "down_block_types", List.of(CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, DOWN));
    List<String> up =
        c.getStrings("up_block_types", List.of(UP, CROSS_ATTN_UP, CROSS_ATTN_UP, CROSS_ATTN_UP));
    for (String t : down) {
      if (!Set.of(CROSS_ATTN_DOWN, DOWN).contains(t)) {
        throw c.unsupported("down_block_types", t, "supported: " + CROSS_ATTN_DOWN + ", " + DOWN);
      }
    }
    for (String t : up) {
      if (!Set.of(CROSS_ATTN_UP, UP).contains(t)) {
        throw c.unsupported("up_block_types", t, "supported: " + CROSS_ATTN_UP + ", " + UP);
      }
    }
    int n = down.size();
    int[] channels = c.getInts("block_out_channels", new int[] {320, 640, 1280, 1280}, n);
    requireCount(c, "up_block_types", up.size(), n);
    requireCount(c, "block_out_channels", channels.length, n);
    for (int i = 0; i < n; i++) {
      boolean downAttn = down.get(i).equals(CROSS_ATTN_DOWN);
      boolean upAttn = up.get(n - 1 - i).equals(CROSS_ATTN_UP);
      if (downAttn != upAttn) {
        throw c.unsupported(
            "up_block_types", up, "attention in the up blocks must mirror down_block_types");
      }
    }
    int[] layers = perBlock(c, "layers_per_block", 2, n);
    int[] cross = perBlock(c, "cross_attention_dim", 1280, n);
    int[] transformerLayers = perBlock(c, "transformer_layers_per_block", 1, n);
    int[] heads = perBlock(c, "attention_head_dim", 8, n);
    if (!c.has("norm_num_groups") && c.json().has("norm_num_groups")) {
      throw c.unsupported("norm_num_groups", "null", "the blocks need group normalization");
    }
    int groups = c.getInt("norm_num_groups", 32);
    int timeEmbedDim = c.getInt("time_embedding_dim", channels[0] * 4);
    int addTimeDim = 0;
    int projectionDim = 0;
    if (addition != null) {
      addTimeDim = c.requireInt("addition_time_embed_dim");
      projectionDim = c.requireInt("projection_class_embeddings_input_dim");
    }
    UNet2DConditionConfig cfg =
        new UNet2DConditionConfig(
            c.getInt("sample_size", 64),
            c.getInt("in_channels", 4),
            c.getInt("out_channels", 4),
            c.getBoolean("center_input_sample", false),
            c.getBoolean("flip_sin_to_cos", true),
            c.getDouble("freq_shift", 0),
            down,
            up,
            channels,
            layers,
            c.getInt("downsample_padding", 1),
            c.getDouble("mid_block_scale_factor", 1),
            groups,
            c.getDouble("norm_eps", 1e-5),
            cross,
            transformerLayers,
            heads,
            c.getBoolean("use_linear_projection", false),
            c.getBoolean("upcast_attention", false),
            addition,
            addTimeDim,
            projectionDim,
            timeEmbedDim,
            oddKernel(c, "conv_in_kernel"),
            oddKernel(c, "conv_out_kernel"));
    cfg.check(c);
    return cfg;
  }

  private void check(ComponentConfig c) {
    for (int dim : crossAttentionDim) {
      if (dim != crossAttentionDim[0]) {
        throw c.unsupported(
            "cross_attention_dim",
            Arrays.toString(crossAttentionDim),
            "all blocks must attend to the same encoder_hidden_states width");
      }
    }
    for (int i = 0; i < blocks(); i++) {
      int ch = blockOutChannels[i];
      if (ch % normNumGroups != 0) {
        throw c.unsupported(
            "block_out_channels", ch, "must be divisible by norm_num_groups " + normNumGroups);
      }
      if (ch % attentionHeads[i] != 0) {
        throw c.unsupported(
            "attention_head_dim",
            attentionHeads[i],
            "the number of heads must divide block " + i + "'s " + ch + " channels");
      }
    }
  }

  private static int oddKernel(ComponentConfig c, String key) {
    int k = c.getInt(key, 3);
    if (k < 1 || k % 2 == 0) {
      throw c.unsupported(key, k, "must be an odd kernel size");
    }
    return k;
  }

  private static int[] perBlock(ComponentConfig c, String key, int defaultValue, int n) {
    int[] v = c.getInts(key, null, n);
    if (v == null) {
      v = new int[n];
      Arrays.fill(v, defaultValue);
    }
    requireCount(c, key, v.length, n);
    return v;
  }

  private static void requireCount(ComponentConfig c, String key, int count, int blocks) {
    if (count != blocks) {
      throw c.unsupported(
          key, count + " entries", "needs one per down block (" + blocks + " down blocks)");
    }
  }

  private static void refuseIfSet(ComponentConfig c, String key, String why) {
    if (c.has(key)) {
      throw c.unsupported(key, c.json().get(key), why);
    }
  }

  private static void refuseIfTrue(ComponentConfig c, String key) {
    if (c.getBoolean(key, false)) {
      throw c.unsupported(key, true, "not used by Stable Diffusion");
    }
  }

  private static void refuseOnlyCrossAttention(ComponentConfig c) {
    JsonNode v = c.json().get("only_cross_attention");
    if (v == null || v.isNull()) {
      return;
    }
    boolean any = v.isArray() ? containsTrue(v) : v.asBoolean(true);
    if (any || !(v.isBoolean() || v.isArray())) {
      throw c.unsupported("only_cross_attention", v, "self-attention is always used by SD");
    }
  }

  private static boolean containsTrue(JsonNode array) {
    for (JsonNode e : array) {
      if (!e.isBoolean() || e.asBoolean()) {
        return true;
      }
    }
    return false;
  }

  /** A diffusers-compatible {@code config.json}. */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("_class_name", "UNet2DConditionModel");
    o.put("_diffusers_version", "0.30.0");
    o.put("sample_size", sampleSize);
    o.put("in_channels", inChannels);
    o.put("out_channels", outChannels);
    o.put("center_input_sample", centerInputSample);
    o.put("flip_sin_to_cos", flipSinToCos);
    if (freqShift == Math.rint(freqShift)) {
      o.put("freq_shift", (int) freqShift);
    } else {
      o.put("freq_shift", freqShift);
    }
    strings(o.putArray("down_block_types"), downBlockTypes);
    o.put("mid_block_type", MID);
    strings(o.putArray("up_block_types"), upBlockTypes);
    o.put("only_cross_attention", false);
    ints(o.putArray("block_out_channels"), blockOutChannels);
    ints(o.putArray("layers_per_block"), layersPerBlock);
    o.put("downsample_padding", downsamplePadding);
    o.put("mid_block_scale_factor", midBlockScaleFactor);
    o.put("dropout", 0.0);
    o.put("act_fn", "silu");
    o.put("norm_num_groups", normNumGroups);
    o.put("norm_eps", normEps);
    ints(o.putArray("cross_attention_dim"), crossAttentionDim);
    ints(o.putArray("transformer_layers_per_block"), transformerLayersPerBlock);
    ints(o.putArray("attention_head_dim"), attentionHeads);
    o.put("dual_cross_attention", false);
    o.put("use_linear_projection", useLinearProjection);
    o.putNull("class_embed_type");
    if (additionEmbedType == null) {
      o.putNull("addition_embed_type");
      o.putNull("addition_time_embed_dim");
      o.putNull("projection_class_embeddings_input_dim");
    } else {
      o.put("addition_embed_type", additionEmbedType);
      o.put("addition_time_embed_dim", additionTimeEmbedDim);
      o.put("projection_class_embeddings_input_dim", projectionClassEmbeddingsInputDim);
    }
    o.putNull("num_class_embeds");
    o.put("upcast_attention", upcastAttention);
    o.put("resnet_time_scale_shift", "default");
    o.put("time_embedding_type", "positional");
    if (timeEmbedDim == blockOutChannels[0] * 4) {
      o.putNull("time_embedding_dim");
    } else {
      o.put("time_embedding_dim", timeEmbedDim);
    }
    o.put("conv_in_kernel", convInKernel);
    o.put("conv_out_kernel", convOutKernel);
    o.put("attention_type", "default");
    return o;
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  private static void ints(ArrayNode a, int[] values) {
    for (int v : values) {
      a.add(v);
    }
  }
}
