package dev.easel.model.clip;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.easel.model.onnx.Attr;
import dev.easel.model.onnx.GraphBuilder;
import java.util.Arrays;
import java.util.List;

/**
 * transformers' {@code CLIPTextTransformer} (the {@code text_model.*} module shared by both text
 * models), emitted into a graph: token and position embeddings, pre-norm encoder layers with a
 * causal mask, the final LayerNorm and end-of-text pooling.
 */
final class CLIPTextTransformer {
  static final String PREFIX = "text_model.";

  /**
   * The end-of-text id of OpenAI's vocabulary: when every row's largest id is this one,
   * transformers pools at {@code argmax(input_ids)} (configs written before transformers PR 24773
   * carry a wrong {@code eos_token_id}); otherwise at the first {@code eos_token_id}.
   */
  static final long LEGACY_EOS = 49407;

  /** The values a text model's outputs are made of. */
  record Encoded(String lastHiddenState, String pooled, String penultimate, String skipped) {}

  private CLIPTextTransformer() {}

  /**
   * Emits the transformer over {@code ids} [batch, max_position_embeddings]. {@code clipSkip} > 0
   * also yields the final LayerNorm of {@code hidden_states[-(clipSkip + 1)]}.
   */
  static Encoded encode(GraphBuilder g, String ids, CLIPTextConfig cfg, int clipSkip) {
    String x = embeddings(g, ids, cfg);
    String mask = causalMask(g, cfg.maxPositionEmbeddings());
    String[] hiddenStates = new String[cfg.numHiddenLayers() + 1];
    hiddenStates[0] = x;
    for (int i = 0; i < cfg.numHiddenLayers(); i++) {
      x = encoderLayer(g, x, mask, PREFIX + "encoder.layers." + i, cfg);
      hiddenStates[i + 1] = x;
    }
    String last = finalLayerNorm(g, x, cfg);
    String skipped =
        clipSkip > 0
            ? finalLayerNorm(g, hiddenStates[hiddenStates.length - 1 - clipSkip], cfg)
            : null;
    return new Encoded(
        last, pool(g, last, ids, cfg), hiddenStates[hiddenStates.length - 2], skipped);
  }

  static String embeddings(GraphBuilder g, String ids, CLIPTextConfig cfg) {
    String table =
        g.weight(PREFIX + "embeddings.token_embedding.weight", cfg.vocabSize(), cfg.hiddenSize());
    String positions =
        g.weight(
            PREFIX + "embeddings.position_embedding.weight",
            cfg.maxPositionEmbeddings(),
            cfg.hiddenSize());
    return g.add(g.op("Gather", List.of(table, ids)), positions);
  }

  static String finalLayerNorm(GraphBuilder g, String x, CLIPTextConfig cfg) {
    return g.layerNorm(x, PREFIX + "final_layer_norm", cfg.hiddenSize(), cfg.layerNormEps());
  }

  /** Added to attention scores: 0 where a query may see a key, −∞ for keys after the query. */
  static String causalMask(GraphBuilder g, int length) {
    float[] mask = new float[length * length];
    for (int i = 0; i < length; i++) {
      Arrays.fill(mask, i * length + i + 1, (i + 1) * length, Float.NEGATIVE_INFINITY);
    }
    return g.constant(new long[] {length, length}, mask);
  }

  /** CLIPEncoderLayer: x + attn(ln1(x)), then + mlp(ln2(·)). */
  static String encoderLayer(
      GraphBuilder g, String x, String mask, String prefix, CLIPTextConfig cfg) {
    long h = cfg.hiddenSize();
    String attn =
        attention(
            g, g.layerNorm(x, prefix + ".layer_norm1", h, cfg.layerNormEps()), mask, prefix, cfg);
    x = g.add(x, attn);
    String mlp =
        mlp(g, g.layerNorm(x, prefix + ".layer_norm2", h, cfg.layerNormEps()), prefix, cfg);
    return g.add(x, mlp);
  }

  /** CLIPAttention on [batch, seq, hidden] with the additive {@code mask} [seq, seq]. */
  static String attention(
      GraphBuilder g, String x, String mask, String prefix, CLIPTextConfig cfg) {
    long h = cfg.hiddenSize();
    long heads = cfg.numAttentionHeads();
    long d = cfg.headDim();
    long seq = cfg.maxPositionEmbeddings();
    String p = prefix + ".self_attn.";
    String q = heads(g, g.linear(x, p + "q_proj", h, h, true), seq, heads, d);
    String k = heads(g, g.linear(x, p + "k_proj", h, h, true), seq, heads, d);
    String v = heads(g, g.linear(x, p + "v_proj", h, h, true), seq, heads, d);
    String scores = g.mul(g.matmul(q, g.transpose(k, 0, 1, 3, 2)), g.scalar(Math.pow(d, -0.5)));
    String weights = g.op("Softmax", List.of(g.add(scores, mask)), Attr.of("axis", -1L));
    String out = g.reshape(g.transpose(g.matmul(weights, v), 0, 2, 1, 3), 0, seq, h);
    return g.linear(out, p + "out_proj", h, h, true);
  }

  /** [batch, seq, hidden] → [batch, heads, seq, head_dim]. */
  private static String heads(GraphBuilder g, String x, long seq, long heads, long d) {
    return g.transpose(g.reshape(x, 0, seq, heads, d), 0, 2, 1, 3);
  }

  /** CLIPMLP: fc2(act(fc1(x))). */
  static String mlp(GraphBuilder g, String x, String prefix, CLIPTextConfig cfg) {
    String y = g.linear(x, prefix + ".mlp.fc1", cfg.hiddenSize(), cfg.intermediateSize(), true);
    y = activation(g, y, cfg.hiddenAct());
    return g.linear(y, prefix + ".mlp.fc2", cfg.intermediateSize(), cfg.hiddenSize(), true);
  }

  static String activation(GraphBuilder g, String x, String hiddenAct) {
    return switch (hiddenAct) {
      case "quick_gelu" -> g.quickGelu(x);
      case "gelu" -> g.gelu(x);
      default -> throw new IllegalArgumentException("unsupported hidden_act " + hiddenAct);
    };
  }

  /**
   * The hidden state [batch, hidden] at each row's end-of-text token: {@code argmax(input_ids)}
   * when every row's largest id is {@link #LEGACY_EOS}, else the first {@code eos_token_id}.
   */
  static String pool(GraphBuilder g, String hidden, String ids, CLIPTextConfig cfg) {
    String rowMax = g.op("ReduceMax", List.of(ids), Attr.ints("axes", -1), Attr.of("keepdims", 0L));
    String legacyRows =
        cast(g, g.op("Equal", List.of(rowMax, g.ints(LEGACY_EOS))), TensorProto.DataType.INT32);
    String allLegacy =
        cast(
            g,
            g.op("ReduceMin", List.of(legacyRows), Attr.of("keepdims", 0L)),
            TensorProto.DataType.BOOL);
    String ids32 = cast(g, ids, TensorProto.DataType.INT32);
    String atMax = argMax(g, ids32);
    String isEos = g.op("Equal", List.of(ids, g.ints(cfg.eosTokenId())));
    String atFirstEos = argMax(g, cast(g, isEos, TensorProto.DataType.INT32));
    String index = g.op("Where", List.of(allLegacy, atMax, atFirstEos));
    return g.op("GatherND", List.of(hidden, index), Attr.of("batch_dims", 1L));
  }

  /** First position of each row's maximum, as [batch, 1]. */
  private static String argMax(GraphBuilder g, String x) {
    return g.op("ArgMax", List.of(x), Attr.of("axis", -1L), Attr.of("keepdims", 1L));
  }

  private static String cast(GraphBuilder g, String x, TensorProto.DataType to) {
    return g.op("Cast", List.of(x), Attr.of("to", (long) to.getNumber()));
  }
}
