package dev.easel.model.clip;

import dev.easel.model.weights.Weights;
import dev.easel.testing.Reference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers' CLIP text transformer written out in plain double-precision Java, one batch item at
 * a time, reading the same state dict as the graph.
 */
final class CLIPTextReference {
  private final CLIPTextConfig cfg;
  private final Weights w;
  private final int seq;
  private final int hidden;

  /** Every output a text model can produce, for a batch. */
  record Result(
      double[] lastHiddenState, double[] pooled, List<double[]> hiddenStates, int[] poolIndex) {}

  CLIPTextReference(CLIPTextConfig cfg, Weights w) {
    this.cfg = cfg;
    this.w = w;
    this.seq = cfg.maxPositionEmbeddings();
    this.hidden = cfg.hiddenSize();
  }

  static float[] tensor(Weights w, String key, long... shape) {
    ByteBuffer b = w.float32(key, shape);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  private float[] t(String key, long... shape) {
    return tensor(w, key, shape);
  }

  /** hidden_states[i] of the whole batch, concatenated per item ([batch, seq, hidden]). */
  Result forward(long[][] ids) {
    int layers = cfg.numHiddenLayers();
    List<double[]> states = new ArrayList<>();
    for (int i = 0; i <= layers; i++) {
      states.add(new double[ids.length * seq * hidden]);
    }
    double[] last = new double[ids.length * seq * hidden];
    for (int b = 0; b < ids.length; b++) {
      double[] x = embeddings(ids[b]);
      System.arraycopy(x, 0, states.get(0), b * seq * hidden, x.length);
      for (int l = 0; l < layers; l++) {
        x = encoderLayer(x, "text_model.encoder.layers." + l);
        System.arraycopy(x, 0, states.get(l + 1), b * seq * hidden, x.length);
      }
      double[] normed = finalLayerNorm(x);
      System.arraycopy(normed, 0, last, b * seq * hidden, normed.length);
    }
    int[] index = poolIndex(ids, cfg.eosTokenId());
    double[] pooled = new double[ids.length * hidden];
    for (int b = 0; b < ids.length; b++) {
      System.arraycopy(last, (b * seq + index[b]) * hidden, pooled, b * hidden, hidden);
    }
    return new Result(last, pooled, states, index);
  }

  double[] embeddings(long[] ids) {
    float[] tokens = t("text_model.embeddings.token_embedding.weight", cfg.vocabSize(), hidden);
    float[] positions = t("text_model.embeddings.position_embedding.weight", seq, hidden);
    double[] x = new double[seq * hidden];
    for (int i = 0; i < seq; i++) {
      for (int c = 0; c < hidden; c++) {
        x[i * hidden + c] = (double) tokens[(int) ids[i] * hidden + c] + positions[i * hidden + c];
      }
    }
    return x;
  }

  double[] finalLayerNorm(double[] x) {
    return layerNorm(x, "text_model.final_layer_norm");
  }

  double[] layerNorm(double[] x, String prefix) {
    return Reference.layerNorm(
        x,
        x.length / hidden,
        hidden,
        t(prefix + ".weight", hidden),
        t(prefix + ".bias", hidden),
        cfg.layerNormEps());
  }

  double[] encoderLayer(double[] x, String prefix) {
    double[] a = attention(layerNorm(x, prefix + ".layer_norm1"), prefix);
    double[] h = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      h[i] = x[i] + a[i];
    }
    double[] m = mlp(layerNorm(h, prefix + ".layer_norm2"), prefix);
    for (int i = 0; i < x.length; i++) {
      h[i] += m[i];
    }
    return h;
  }

  /** Causal self-attention of one item x [seq, hidden]. */
  double[] attention(double[] x, String prefix) {
    int heads = cfg.numAttentionHeads();
    int d = cfg.headDim();
    double[] q = toHeads(linear(x, prefix + ".self_attn.q_proj", hidden, hidden), heads, d);
    double[] k = toHeads(linear(x, prefix + ".self_attn.k_proj", hidden, hidden), heads, d);
    double[] v = toHeads(linear(x, prefix + ".self_attn.v_proj", hidden, hidden), heads, d);
    double[] o = Reference.attention(q, k, v, heads, seq, seq, d, true);
    double[] merged = new double[seq * hidden];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < seq; i++) {
        for (int e = 0; e < d; e++) {
          merged[i * hidden + h * d + e] = o[(h * seq + i) * d + e];
        }
      }
    }
    return linear(merged, prefix + ".self_attn.out_proj", hidden, hidden);
  }

  private double[] toHeads(double[] x, int heads, int d) {
    double[] out = new double[x.length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < seq; i++) {
        for (int e = 0; e < d; e++) {
          out[(h * seq + i) * d + e] = x[i * hidden + h * d + e];
        }
      }
    }
    return out;
  }

  double[] mlp(double[] x, String prefix) {
    int inner = cfg.intermediateSize();
    double[] y = linear(x, prefix + ".mlp.fc1", hidden, inner);
    for (int i = 0; i < y.length; i++) {
      y[i] = activation(cfg.hiddenAct(), y[i]);
    }
    return linear(y, prefix + ".mlp.fc2", inner, hidden);
  }

  static double activation(String hiddenAct, double x) {
    return switch (hiddenAct) {
      case "quick_gelu" -> Reference.quickGelu(x);
      case "gelu" -> Reference.gelu(x);
      default -> throw new IllegalArgumentException(hiddenAct);
    };
  }

  private double[] linear(double[] x, String prefix, int in, int out) {
    return Reference.linear(
        x, x.length / in, in, t(prefix + ".weight", out, in), t(prefix + ".bias", out), out);
  }

  /** text_projection (no bias) of pooled [batch, hidden]. */
  double[] project(double[] pooled) {
    int p = cfg.projectionDim();
    return Reference.linear(
        pooled, pooled.length / hidden, hidden, t("text_projection.weight", p, hidden), null, p);
  }

  /**
   * transformers' pooling position: argmax(ids) when every row's largest id is 49407, otherwise the
   * first eos_token_id (0 when a row has none, as argmax of all zeros).
   */
  static int[] poolIndex(long[][] ids, long eos) {
    boolean legacy = true;
    for (long[] row : ids) {
      long max = Long.MIN_VALUE;
      for (long id : row) {
        max = Math.max(max, id);
      }
      legacy &= max == 49407;
    }
    int[] index = new int[ids.length];
    for (int b = 0; b < ids.length; b++) {
      long[] row = ids[b];
      int best = 0;
      for (int i = 0; i < row.length; i++) {
        if (legacy ? row[i] > row[best] : row[i] == eos) {
          best = i;
          if (!legacy) {
            break;
          }
        }
      }
      index[b] = best;
    }
    return index;
  }
}
