package dev.easel.model.vae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.model.ComponentConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * diffusers' {@code AutoencoderKL} configuration ({@code vae/config.json}).
 *
 * @param shiftFactor 0 when the config has none (SD 1.x/2.x, SDXL)
 */
public record AutoencoderKLConfig(
    int inChannels,
    int outChannels,
    int latentChannels,
    int[] blockOutChannels,
    int layersPerBlock,
    int normNumGroups,
    int sampleSize,
    double scalingFactor,
    double shiftFactor,
    boolean useQuantConv,
    boolean usePostQuantConv,
    boolean midBlockAddAttention) {

  public static final String CLASS_NAME = "AutoencoderKL";
  private static final String DOWN_BLOCK = "DownEncoderBlock2D";
  private static final String UP_BLOCK = "UpDecoderBlock2D";

  public AutoencoderKLConfig {
    blockOutChannels = blockOutChannels.clone();
  }

  @Override
  public int[] blockOutChannels() {
    return blockOutChannels.clone();
  }

  /** A few thousand parameters: runs in milliseconds, for tests and random models. */
  public static AutoencoderKLConfig tiny() {
    return new AutoencoderKLConfig(
        3, 3, 4, new int[] {8, 16}, 1, 4, 32, 0.18215, 0, true, true, true);
  }

  /** Stable Diffusion 1.x (sample size 512). */
  public static AutoencoderKLConfig sd() {
    return new AutoencoderKLConfig(
        3, 3, 4, new int[] {128, 256, 512, 512}, 2, 32, 512, 0.18215, 0, true, true, true);
  }

  /** Stable Diffusion 2.x at 768 pixels: the SD 1.x autoencoder with a larger sample size. */
  public static AutoencoderKLConfig sd21() {
    AutoencoderKLConfig c = sd();
    return new AutoencoderKLConfig(
        3, 3, 4, c.blockOutChannels, 2, 32, 768, 0.18215, 0, true, true, true);
  }

  /** Stable Diffusion XL: the same network, its own scaling factor. */
  public static AutoencoderKLConfig sdxl() {
    return new AutoencoderKLConfig(
        3, 3, 4, new int[] {128, 256, 512, 512}, 2, 32, 1024, 0.13025, 0, true, true, true);
  }

  /** Parses {@code config.json}, refusing by name what would change the network unnoticed. */
  public static AutoencoderKLConfig from(ComponentConfig c) {
    c.getChoice("_class_name", CLASS_NAME, Set.of(CLASS_NAME));
    c.getChoice("act_fn", "silu", Set.of("silu"));
    int[] channels = c.getInts("block_out_channels", new int[] {64}, 1);
    List<String> down = c.getStrings("down_block_types", List.of(DOWN_BLOCK));
    List<String> up = c.getStrings("up_block_types", List.of(UP_BLOCK));
    checkBlocks(c, "down_block_types", down, DOWN_BLOCK, channels.length);
    checkBlocks(c, "up_block_types", up, UP_BLOCK, channels.length);
    int groups = c.getInt("norm_num_groups", 32);
    for (int ch : channels) {
      if (groups <= 0 || ch % groups != 0) {
        throw c.unsupported(
            "norm_num_groups",
            groups,
            "must divide every entry of block_out_channels " + Arrays.toString(channels));
      }
    }
    for (String key : List.of("latents_mean", "latents_std")) {
      if (c.has(key)) {
        throw c.unsupported(
            key, c.json().get(key), "per-channel latent statistics are not supported");
      }
    }
    int layers = c.getInt("layers_per_block", 1);
    if (layers < 1) {
      throw c.unsupported("layers_per_block", layers, "must be at least 1");
    }
    return new AutoencoderKLConfig(
        c.getInt("in_channels", 3),
        c.getInt("out_channels", 3),
        c.getInt("latent_channels", 4),
        channels,
        layers,
        groups,
        c.getInt("sample_size", 32),
        c.getDouble("scaling_factor", 0.18215),
        c.getDouble("shift_factor", 0),
        c.getBoolean("use_quant_conv", true),
        c.getBoolean("use_post_quant_conv", true),
        c.getBoolean("mid_block_add_attention", true));
  }

  private static void checkBlocks(
      ComponentConfig c, String key, List<String> types, String expected, int count) {
    for (String t : types) {
      if (!t.equals(expected)) {
        throw c.unsupported(key, t, "supported: " + expected);
      }
    }
    if (types.size() != count) {
      throw c.unsupported(
          key, types, "needs one entry per block_out_channels entry (" + count + ")");
    }
  }

  /** How latents move between this autoencoder's raw space and the denoiser's. */
  public LatentScaling latentScaling() {
    return new LatentScaling(scalingFactor, shiftFactor);
  }

  /** Spatial downsampling from pixels to latents. */
  public int downscale() {
    return 1 << (blockOutChannels.length - 1);
  }

  /** A diffusers-compatible {@code config.json}. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("_class_name", CLASS_NAME);
    o.put("_diffusers_version", "0.32.2");
    o.put("act_fn", "silu");
    ArrayNode channels = o.putArray("block_out_channels");
    ArrayNode down = o.putArray("down_block_types");
    ArrayNode up = o.putArray("up_block_types");
    for (int ch : blockOutChannels) {
      channels.add(ch);
      down.add(DOWN_BLOCK);
      up.add(UP_BLOCK);
    }
    o.put("force_upcast", true);
    o.put("in_channels", inChannels);
    o.put("latent_channels", latentChannels);
    o.put("layers_per_block", layersPerBlock);
    o.put("mid_block_add_attention", midBlockAddAttention);
    o.put("norm_num_groups", normNumGroups);
    o.put("out_channels", outChannels);
    o.put("sample_size", sampleSize);
    o.put("scaling_factor", scalingFactor);
    o.set("shift_factor", shiftFactor == 0 ? f.nullNode() : (JsonNode) f.numberNode(shiftFactor));
    o.put("use_quant_conv", useQuantConv);
    o.put("use_post_quant_conv", usePostQuantConv);
    return o;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AutoencoderKLConfig c && toJson().equals(c.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return "AutoencoderKLConfig" + toJson();
  }
}
