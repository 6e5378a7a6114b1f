package dev.easel.hub;

import dev.easel.model.safetensors.SafeTensorsFile;
import dev.easel.model.safetensors.SafeTensorsWriter;
import dev.easel.model.safetensors.SafeTensorsWriter.Tensor;
import dev.easel.model.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a diffusers model folder back into the original single-file layout (the inverse of what
 * {@code easel import} does, written independently of it): the test's source of checkpoints.
 */
final class OriginalCheckpoint {
  private OriginalCheckpoint() {}

  static void write(Path model, Path out, boolean xl) throws IOException {
    Map<String, Tensor> all = new LinkedHashMap<>();
    boolean[] attention = attentionPerDownBlock(model);
    int layers = 1;
    for (Map.Entry<String, Tensor> e : read(model.resolve("unet")).entrySet()) {
      all.put("model.diffusion_model." + unet(e.getKey(), layers, attention), e.getValue());
    }
    for (Map.Entry<String, Tensor> e : read(model.resolve("vae")).entrySet()) {
      String k = vae(e.getKey(), 2);
      Tensor t = e.getValue();
      if (k.contains("attn_1.") && k.endsWith("weight") && t.shape().length == 2) {
        long[] s = t.shape();
        t = new Tensor(t.dtype(), new long[] {s[0], s[1], 1, 1}, t.data());
      }
      all.put("first_stage_model." + k, t);
    }
    String clip = xl ? "conditioner.embedders.0.transformer." : "cond_stage_model.transformer.";
    read(model.resolve("text_encoder")).forEach((k, v) -> all.put(clip + k, v));
    if (xl) {
      openClip(read(model.resolve("text_encoder_2")), "conditioner.embedders.1.model.", all);
    }
    SafeTensorsWriter.write(out, all, Map.of());
  }

  private static boolean[] attentionPerDownBlock(Path model) throws IOException {
    String cfg = Files.readString(model.resolve("unet/config.json"));
    Matcher m = Pattern.compile("\"down_block_types\"\\s*:\\s*\\[([^]]*)]").matcher(cfg);
    m.find();
    String[] types = m.group(1).split(",");
    boolean[] out = new boolean[types.length];
    for (int i = 0; i < types.length; i++) {
      out[i] = types[i].contains("CrossAttn");
    }
    return out;
  }

  static Map<String, Tensor> read(Path component) throws IOException {
    Path file;
    try (var s = Files.list(component)) {
      file = s.filter(p -> p.toString().endsWith(".safetensors")).findFirst().orElseThrow();
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    SafeTensorsFile f = SafeTensorsFile.open(file);
    for (TensorInfo t : f.tensors().values()) {
      ByteBuffer copy = ByteBuffer.allocate((int) t.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
      copy.put(f.map(t.name())).flip();
      out.put(t.name(), new Tensor(t.dtype(), t.shape(), copy));
    }
    f.close();
    return out;
  }

  private static final String[][] RESNET = {
    {"norm1.", "in_layers.0."},
    {"conv1.", "in_layers.2."},
    {"time_emb_proj.", "emb_layers.1."},
    {"norm2.", "out_layers.0."},
    {"conv2.", "out_layers.3."},
    {"conv_shortcut.", "skip_connection."}
  };

  private static String resnet(String r) {
    for (String[] n : RESNET) {
      if (r.startsWith(n[0])) {
        return n[1] + r.substring(n[0].length());
      }
    }
    throw new IllegalArgumentException(r);
  }

  static String unet(String k, int layers, boolean[] attention) {
    String[][] simple = {
      {"conv_in.", "input_blocks.0.0."},
      {"time_embedding.linear_1.", "time_embed.0."},
      {"time_embedding.linear_2.", "time_embed.2."},
      {"add_embedding.linear_1.", "label_emb.0.0."},
      {"add_embedding.linear_2.", "label_emb.0.2."},
      {"conv_norm_out.", "out.0."},
      {"conv_out.", "out.2."},
      {"mid_block.attentions.0.", "middle_block.1."}
    };
    for (String[] s : simple) {
      if (k.startsWith(s[0])) {
        return s[1] + k.substring(s[0].length());
      }
    }
    Matcher m = Pattern.compile("mid_block\\.resnets\\.(\\d)\\.(.+)").matcher(k);
    if (m.matches()) {
      return "middle_block." + (m.group(1).equals("0") ? 0 : 2) + "." + resnet(m.group(2));
    }
    m =
        Pattern.compile(
                "(down|up)_blocks\\.(\\d+)\\.(resnets|attentions|downsamplers|upsamplers)\\.(\\d+)\\.(.+)")
            .matcher(k);
    if (!m.matches()) {
      throw new IllegalArgumentException(k);
    }
    int b = Integer.parseInt(m.group(2));
    int l = Integer.parseInt(m.group(4));
    String rest = m.group(5);
    if (m.group(1).equals("down")) {
      int i = 1 + b * (layers + 1) + l;
      return switch (m.group(3)) {
        case "resnets" -> "input_blocks." + i + ".0." + resnet(rest);
        case "attentions" -> "input_blocks." + i + ".1." + rest;
        default -> "input_blocks." + (b + 1) * (layers + 1) + ".0.op." + rest.substring(5);
      };
    }
    int i = b * (layers + 1) + l;
    boolean upAttention = attention[attention.length - 1 - b];
    return switch (m.group(3)) {
      case "resnets" -> "output_blocks." + i + ".0." + resnet(rest);
      case "attentions" -> "output_blocks." + i + ".1." + rest;
      default ->
          "output_blocks." + (b * (layers + 1) + layers) + "." + (upAttention ? 2 : 1) + "." + rest;
    };
  }

  static String vae(String k, int levels) {
    k = k.replace("conv_shortcut", "nin_shortcut").replace("conv_norm_out", "norm_out");
    k = k.replaceAll("^encoder\\.down_blocks\\.(\\d+)\\.resnets\\.", "encoder.down.$1.block.");
    k =
        k.replaceAll(
            "^encoder\\.down_blocks\\.(\\d+)\\.downsamplers\\.0\\.", "encoder.down.$1.downsample.");
    Matcher m =
        Pattern.compile("decoder\\.up_blocks\\.(\\d+)\\.(resnets|upsamplers)\\.(\\d+)\\.(.+)")
            .matcher(k);
    if (m.matches()) {
      int i = levels - 1 - Integer.parseInt(m.group(1));
      return m.group(2).equals("resnets")
          ? "decoder.up." + i + ".block." + m.group(3) + "." + m.group(4)
          : "decoder.up." + i + ".upsample." + m.group(4);
    }
    return k.replace("mid_block.resnets.0.", "mid.block_1.")
        .replace("mid_block.resnets.1.", "mid.block_2.")
        .replace("mid_block.attentions.0.group_norm.", "mid.attn_1.norm.")
        .replace("mid_block.attentions.0.to_q.", "mid.attn_1.q.")
        .replace("mid_block.attentions.0.to_k.", "mid.attn_1.k.")
        .replace("mid_block.attentions.0.to_v.", "mid.attn_1.v.")
        .replace("mid_block.attentions.0.to_out.0.", "mid.attn_1.proj_out.");
  }

  private static void openClip(Map<String, Tensor> text, String p, Map<String, Tensor> out) {
    Map<String, Tensor> qkv = new LinkedHashMap<>();
    text.forEach(
        (k, v) -> {
          if (k.equals("text_projection.weight")) {
            out.put(p + "text_projection", CheckpointImporter.transpose(v));
            return;
          }
          if (k.matches(".*self_attn\\.[qkv]_proj\\..*")) {
            qkv.put(k, v);
            return;
          }
          String o =
              k.replace("text_model.embeddings.token_embedding.weight", "token_embedding.weight")
                  .replace(
                      "text_model.embeddings.position_embedding.weight", "positional_embedding")
                  .replace("text_model.final_layer_norm.", "ln_final.")
                  .replace("text_model.encoder.layers.", "transformer.resblocks.")
                  .replace("layer_norm1", "ln_1")
                  .replace("layer_norm2", "ln_2")
                  .replace("mlp.fc1", "mlp.c_fc")
                  .replace("mlp.fc2", "mlp.c_proj")
                  .replace("self_attn.out_proj", "attn.out_proj");
          out.put(p + o, v);
        });
    for (String k : qkv.keySet()) {
      if (!k.contains(".q_proj.")) {
        continue;
      }
      Tensor q = qkv.get(k);
      Tensor kk = qkv.get(k.replace(".q_proj.", ".k_proj."));
      Tensor v = qkv.get(k.replace(".q_proj.", ".v_proj."));
      ByteBuffer b = ByteBuffer.allocate(q.data().remaining() * 3).order(ByteOrder.LITTLE_ENDIAN);
      b.put(q.data().duplicate()).put(kk.data().duplicate()).put(v.data().duplicate()).flip();
      long[] s = q.shape();
      s[0] *= 3;
      String name =
          k.replace("text_model.encoder.layers.", "transformer.resblocks.")
              .replace("self_attn.q_proj.", "attn.in_proj_");
      out.put(p + name, new Tensor(q.dtype(), s, b));
    }
  }
}
