package dev.easel.model.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.model.ComponentConfig;
import dev.easel.model.ModelException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * transformers' {@code CLIPTextConfig}, as found in a diffusers {@code text_encoder/config.json}
 * (and {@code text_encoder_2/} for SDXL).
 *
 * @param hiddenAct {@code quick_gelu} (OpenAI CLIP) or {@code gelu} (OpenCLIP, exact erf form)
 * @param withProjection whether the file describes {@code CLIPTextModelWithProjection}
 */
public record CLIPTextConfig(
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int maxPositionEmbeddings,
    String hiddenAct,
    double layerNormEps,
    int projectionDim,
    int bosTokenId,
    int eosTokenId,
    int padTokenId,
    boolean withProjection) {

  public static final String MODEL_TYPE = "clip_text_model";
  static final Set<String> ACTIVATIONS = Set.of("quick_gelu", "gelu");
  private static final String PLAIN = "CLIPTextModel";
  private static final String PROJECTED = "CLIPTextModelWithProjection";

  public CLIPTextConfig {
    if (!ACTIVATIONS.contains(hiddenAct)) {
      throw new ModelException(
          "unsupported hidden_act '" + hiddenAct + "' (supported: quick_gelu, gelu)");
    }
    if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
      throw new ModelException(
          "hidden_size " + hiddenSize + " is not divisible by " + numAttentionHeads + " heads");
    }
  }

  /**
   * A model small enough for unit tests (hidden 32, 2 layers, 2 heads, MLP 37) over a tiny
   * vocabulary whose last two ids are start and end of text; pads with the end id like SD 1.x.
   */
  public static CLIPTextConfig tiny(int vocabSize) {
    return new CLIPTextConfig(
        vocabSize,
        32,
        37,
        2,
        2,
        77,
        "quick_gelu",
        1e-5,
        32,
        vocabSize - 2,
        vocabSize - 1,
        vocabSize - 1,
        false);
  }

  /** SD 1.x: OpenAI CLIP ViT-L/14's text transformer. */
  public static CLIPTextConfig sd15() {
    return new CLIPTextConfig(
        49408, 768, 3072, 12, 12, 77, "quick_gelu", 1e-5, 768, 0, 2, 1, false);
  }

  /** SD 2.x: OpenCLIP ViT-H/14's text transformer, exported with its last layer already cut. */
  public static CLIPTextConfig sd21() {
    return new CLIPTextConfig(49408, 1024, 4096, 23, 16, 77, "gelu", 1e-5, 512, 0, 2, 1, false);
  }

  /** SDXL's first text encoder: the same CLIP ViT-L/14 text transformer as SD 1.x. */
  public static CLIPTextConfig sdxl1() {
    return sd15();
  }

  /** SDXL's second text encoder: OpenCLIP ViT-bigG/14, with its text projection. */
  public static CLIPTextConfig sdxl2() {
    return new CLIPTextConfig(49408, 1280, 5120, 32, 20, 77, "gelu", 1e-5, 1280, 0, 2, 1, true);
  }

  /** Reads {@code dir/config.json}. */
  public static CLIPTextConfig read(Path dir) {
    return from(ComponentConfig.read(dir));
  }

  /** Parses a transformers CLIP text config; unsupported architectures are refused by key. */
  public static CLIPTextConfig from(ComponentConfig c) {
    c.getChoice("model_type", MODEL_TYPE, Set.of(MODEL_TYPE));
    List<String> architectures = c.getStrings("architectures", List.of(PLAIN));
    if (architectures.size() != 1
        || !(architectures.contains(PLAIN) || architectures.contains(PROJECTED))) {
      throw c.unsupported("architectures", architectures, "supported: " + PLAIN + ", " + PROJECTED);
    }
    String act = c.getChoice("hidden_act", "quick_gelu", ACTIVATIONS);
    int hidden = c.getInt("hidden_size", 512);
    int heads = c.getInt("num_attention_heads", 8);
    if (heads <= 0 || hidden % heads != 0) {
      throw c.unsupported(
          "num_attention_heads", heads, "must divide hidden_size " + hidden + " evenly");
    }
    return new CLIPTextConfig(
        c.getInt("vocab_size", 49408),
        hidden,
        c.getInt("intermediate_size", 2048),
        c.getInt("num_hidden_layers", 12),
        heads,
        c.getInt("max_position_embeddings", 77),
        act,
        c.getDouble("layer_norm_eps", 1e-5),
        c.getInt("projection_dim", 512),
        c.getInt("bos_token_id", 49406),
        c.getInt("eos_token_id", 49407),
        c.getInt("pad_token_id", 1),
        architectures.contains(PROJECTED));
  }

  public CLIPTextConfig withProjection(boolean projected) {
    return new CLIPTextConfig(
        vocabSize,
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        maxPositionEmbeddings,
        hiddenAct,
        layerNormEps,
        projectionDim,
        bosTokenId,
        eosTokenId,
        padTokenId,
        projected);
  }

  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /** A transformers-compatible {@code config.json}. */
  public ObjectNode toJson() {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.putArray("architectures").add(withProjection ? PROJECTED : PLAIN);
    o.put("attention_dropout", 0.0);
    o.put("bos_token_id", bosTokenId);
    o.put("dropout", 0.0);
    o.put("eos_token_id", eosTokenId);
    o.put("hidden_act", hiddenAct);
    o.put("hidden_size", hiddenSize);
    o.put("initializer_factor", 1.0);
    o.put("initializer_range", 0.02);
    o.put("intermediate_size", intermediateSize);
    o.put("layer_norm_eps", layerNormEps);
    o.put("max_position_embeddings", maxPositionEmbeddings);
    o.put("model_type", MODEL_TYPE);
    o.put("num_attention_heads", numAttentionHeads);
    o.put("num_hidden_layers", numHiddenLayers);
    o.put("pad_token_id", padTokenId);
    o.put("projection_dim", projectionDim);
    o.put("torch_dtype", "float32");
    o.put("vocab_size", vocabSize);
    return o;
  }
}
