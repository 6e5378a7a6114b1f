package dev.easel.hub;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames the tensors of an original-layout (CompVis / Stability "LDM") Stable Diffusion checkpoint
 * to diffusers names, following diffusers' {@code single_file_utils.py}. Each method takes a key
 * without its component prefix and returns the diffusers key, or null for tensors diffusers drops.
 */
final class CheckpointKeys {
  private static final Pattern INPUT = Pattern.compile("input_blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
  private static final Pattern OUTPUT = Pattern.compile("output_blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
  private static final Pattern MIDDLE = Pattern.compile("middle_block\\.(\\d)\\.(.+)");
  private static final Pattern VAE_DOWN =
      Pattern.compile("encoder\\.down\\.(\\d+)\\.(block\\.(\\d+)|downsample)\\.(.+)");
  private static final Pattern VAE_UP =
      Pattern.compile("decoder\\.up\\.(\\d+)\\.(block\\.(\\d+)|upsample)\\.(.+)");
  private static final Pattern VAE_MID =
      Pattern.compile("(encoder|decoder)\\.mid\\.(block_1|block_2|attn_1)\\.(.+)");
  private static final Pattern RESBLOCK =
      Pattern.compile("transformer\\.resblocks\\.(\\d+)\\.(.+)");

  private CheckpointKeys() {}

  /** A tensor name the mapping does not know: the checkpoint is not what it claimed to be. */
  static IllegalArgumentException unknown(String what, String key) {
    return new IllegalArgumentException("unexpected " + what + " tensor '" + key + "'");
  }

  /**
   * A UNet key ({@code model.diffusion_model.} removed).
   *
   * @param layers resnets per down block ({@code num_res_blocks})
   */
  static String unet(String k, int layers) {
    if (k.startsWith("time_embed.")) {
      return replaceIndex(k, "time_embed.", "time_embedding.linear_1.", "time_embedding.linear_2.");
    }
    if (k.startsWith("label_emb.0.")) {
      return replaceIndex(
          k.substring("label_emb.0.".length()),
          "",
          "add_embedding.linear_1.",
          "add_embedding.linear_2.");
    }
    if (k.startsWith("out.")) {
      return replaceIndex(k, "out.", "conv_norm_out.", "conv_out.");
    }
    Matcher m = INPUT.matcher(k);
    if (m.matches()) {
      int i = Integer.parseInt(m.group(1));
      int j = Integer.parseInt(m.group(2));
      String rest = m.group(3);
      if (i == 0) {
        return "conv_in." + rest;
      }
      int block = (i - 1) / (layers + 1);
      int layer = (i - 1) % (layers + 1);
      if (layer == layers && rest.startsWith("op.")) {
        return "down_blocks." + block + ".downsamplers.0.conv." + rest.substring(3);
      }
      return j == 0
          ? "down_blocks." + block + ".resnets." + layer + "." + resnet(rest, k)
          : "down_blocks." + block + ".attentions." + layer + "." + rest;
    }
    m = MIDDLE.matcher(k);
    if (m.matches()) {
      return switch (m.group(1)) {
        case "0" -> "mid_block.resnets.0." + resnet(m.group(2), k);
        case "1" -> "mid_block.attentions.0." + m.group(2);
        case "2" -> "mid_block.resnets.1." + resnet(m.group(2), k);
        default -> throw unknown("UNet", k);
      };
    }
    m = OUTPUT.matcher(k);
    if (m.matches()) {
      int i = Integer.parseInt(m.group(1));
      int j = Integer.parseInt(m.group(2));
      String rest = m.group(3);
      int block = i / (layers + 1);
      int layer = i % (layers + 1);
      if (j > 0 && rest.startsWith("conv.")) {
        return "up_blocks." + block + ".upsamplers.0." + rest;
      }
      return j == 0
          ? "up_blocks." + block + ".resnets." + layer + "." + resnet(rest, k)
          : "up_blocks." + block + ".attentions." + layer + "." + rest;
    }
    throw unknown("UNet", k);
  }

  private static String resnet(String rest, String key) {
    String[][] names = {
      {"in_layers.0.", "norm1."},
      {"in_layers.2.", "conv1."},
      {"emb_layers.1.", "time_emb_proj."},
      {"out_layers.0.", "norm2."},
      {"out_layers.3.", "conv2."},
      {"skip_connection.", "conv_shortcut."}
    };
    for (String[] n : names) {
      if (rest.startsWith(n[0])) {
        return n[1] + rest.substring(n[0].length());
      }
    }
    throw unknown("UNet", key);
  }

  /** {@code P.0.x} and {@code P.2.x} (a Sequential of Linear, SiLU, Linear) to two names. */
  private static String replaceIndex(String k, String prefix, String first, String second) {
    String rest = k.substring(prefix.length());
    if (rest.startsWith("0.")) {
      return first + rest.substring(2);
    }
    if (rest.startsWith("2.")) {
      return second + rest.substring(2);
    }
    throw unknown("UNet", k);
  }

  /**
   * A VAE key ({@code first_stage_model.} removed).
   *
   * @param blocks the number of resolution levels (decoder levels are numbered the other way)
   */
  static String vae(String k, int blocks) {
    Matcher m = VAE_DOWN.matcher(k);
    if (m.matches()) {
      String base = "encoder.down_blocks." + m.group(1);
      return m.group(3) != null
          ? base + ".resnets." + m.group(3) + "." + vaeResnet(m.group(4))
          : base + ".downsamplers.0." + m.group(4);
    }
    m = VAE_UP.matcher(k);
    if (m.matches()) {
      String base = "decoder.up_blocks." + (blocks - 1 - Integer.parseInt(m.group(1)));
      return m.group(3) != null
          ? base + ".resnets." + m.group(3) + "." + vaeResnet(m.group(4))
          : base + ".upsamplers.0." + m.group(4);
    }
    m = VAE_MID.matcher(k);
    if (m.matches()) {
      String base = m.group(1) + ".mid_block.";
      return switch (m.group(2)) {
        case "block_1" -> base + "resnets.0." + vaeResnet(m.group(3));
        case "block_2" -> base + "resnets.1." + vaeResnet(m.group(3));
        default -> base + "attentions.0." + vaeAttention(m.group(3), k);
      };
    }
    if (k.matches("(encoder|decoder)\\.norm_out\\..+")) {
      return k.replace(".norm_out.", ".conv_norm_out.");
    }
    if (k.matches("(encoder|decoder)\\.conv_(in|out)\\..+|(post_)?quant_conv\\..+")) {
      return k;
    }
    throw unknown("VAE", k);
  }

  private static String vaeResnet(String rest) {
    return rest.startsWith("nin_shortcut.")
        ? "conv_shortcut." + rest.substring("nin_shortcut.".length())
        : rest;
  }

  private static String vaeAttention(String rest, String key) {
    int dot = rest.indexOf('.');
    String part = rest.substring(0, dot);
    String tail = rest.substring(dot);
    return switch (part) {
      case "norm" -> "group_norm" + tail;
      case "q" -> "to_q" + tail;
      case "k" -> "to_k" + tail;
      case "v" -> "to_v" + tail;
      case "proj_out" -> "to_out.0" + tail;
      default -> throw unknown("VAE", key);
    };
  }

  /** A transformers-layout CLIP key (OpenAI CLIP, SD 1.x and SDXL's first encoder). */
  static String clip(String k) {
    if (k.endsWith("position_ids")) {
      return null;
    }
    return k.startsWith("text_model.") ? k : "text_model." + k;
  }

  /**
   * An OpenCLIP key (SD 2.x, SDXL's second encoder). {@code in_proj_*} is returned as is: the
   * caller splits it into q, k and v.
   *
   * @param layers how many transformer layers the diffusers encoder keeps (SD 2.x drops the last)
   */
  static String openClip(String k, int layers) {
    switch (k) {
      case "token_embedding.weight":
        return "text_model.embeddings.token_embedding.weight";
      case "positional_embedding":
        return "text_model.embeddings.position_embedding.weight";
      case "text_projection":
        return "text_projection.weight";
      case "logit_scale", "attn_mask":
        return null;
      default:
        break;
    }
    if (k.startsWith("ln_final.")) {
      return "text_model.final_layer_norm." + k.substring("ln_final.".length());
    }
    Matcher m = RESBLOCK.matcher(k);
    if (!m.matches()) {
      throw unknown("OpenCLIP", k);
    }
    int layer = Integer.parseInt(m.group(1));
    if (layer >= layers) {
      return null;
    }
    String base = "text_model.encoder.layers." + layer + ".";
    String rest = m.group(2);
    String[][] names = {
      {"ln_1.", "layer_norm1."},
      {"ln_2.", "layer_norm2."},
      {"mlp.c_fc.", "mlp.fc1."},
      {"mlp.c_proj.", "mlp.fc2."},
      {"attn.out_proj.", "self_attn.out_proj."},
      {"attn.in_proj_", "self_attn.in_proj_"}
    };
    for (String[] n : names) {
      if (rest.startsWith(n[0])) {
        return base + n[1] + rest.substring(n[0].length());
      }
    }
    throw unknown("OpenCLIP", k);
  }
}
