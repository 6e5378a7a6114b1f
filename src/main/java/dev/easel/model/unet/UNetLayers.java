package dev.easel.model.unet;

import dev.easel.model.onnx.Attr;
import dev.easel.model.onnx.GraphBuilder;
import java.util.List;

/**
 * The building blocks of diffusers' UNet as ONNX subgraphs, each named after its diffusers module
 * ({@code ResnetBlock2D}, {@code Transformer2DModel}, {@code BasicTransformerBlock}, {@code
 * Attention}, {@code FeedForward}, {@code Downsample2D}, {@code Upsample2D}, {@code Timesteps},
 * {@code TimestepEmbedding}) and taking its weight prefix.
 */
final class UNetLayers {
  /** GroupNorm epsilon of Transformer2DModel. */
  static final double TRANSFORMER_GROUP_NORM_EPS = 1e-6;

  /** LayerNorm epsilon of BasicTransformerBlock. */
  static final double LAYER_NORM_EPS = 1e-5;

  private final GraphBuilder g;
  private final AttentionKernel kernel;

  UNetLayers(GraphBuilder g, AttentionKernel kernel) {
    this.g = g;
    this.kernel = kernel;
  }

  GraphBuilder graph() {
    return g;
  }

  /**
   * ResnetBlock2D with the default time-embedding handling; {@code tembAct} is the already
   * activated time embedding [B, temb] (every block applies the same SiLU to it).
   */
  String resnetBlock2D(
      String x,
      String tembAct,
      String prefix,
      int in,
      int out,
      int temb,
      int groups,
      double eps,
      double outputScale) {
    String h = g.silu(g.groupNorm(x, prefix + ".norm1", groups, in, eps));
    h = g.conv2d(h, prefix + ".conv1", in, out, 3, 1, 1, true);
    String t = g.linear(tembAct, prefix + ".time_emb_proj", temb, out, true);
    h = g.add(h, g.op("Unsqueeze", List.of(t, g.ints(2, 3))));
    h = g.silu(g.groupNorm(h, prefix + ".norm2", groups, out, eps));
    h = g.conv2d(h, prefix + ".conv2", out, out, 3, 1, 1, true);
    String shortcut =
        in == out ? x : g.conv2d(x, prefix + ".conv_shortcut", in, out, 1, 1, 0, true);
    String sum = g.add(shortcut, h);
    return outputScale == 1 ? sum : g.div(sum, g.scalar(outputScale));
  }

  /**
   * Transformer2DModel on continuous inputs: GroupNorm, projection in (1×1 conv, or linear after
   * flattening when {@code linearProjection}), the transformer blocks, projection out, residual.
   */
  String transformer2DModel(
      String x,
      String context,
      String prefix,
      int channels,
      int heads,
      int layers,
      int contextDim,
      int groups,
      boolean linearProjection) {
    String h = g.groupNorm(x, prefix + ".norm", groups, channels, TRANSFORMER_GROUP_NORM_EPS);
    if (linearProjection) {
      h = tokens(h, channels);
      h = g.linear(h, prefix + ".proj_in", channels, channels, true);
    } else {
      h = g.conv2d(h, prefix + ".proj_in", channels, channels, 1, 1, 0, true);
      h = tokens(h, channels);
    }
    for (int i = 0; i < layers; i++) {
      h =
          basicTransformerBlock(
              h, context, prefix + ".transformer_blocks." + i, channels, heads, contextDim);
    }
    if (linearProjection) {
      h = g.linear(h, prefix + ".proj_out", channels, channels, true);
      h = image(h, x);
    } else {
      h = image(h, x);
      h = g.conv2d(h, prefix + ".proj_out", channels, channels, 1, 1, 0, true);
    }
    return g.add(h, x);
  }

  /** [B, C, H, W] → [B, H·W, C]. */
  private String tokens(String x, int channels) {
    return g.transpose(g.reshape(x, 0, channels, -1), 0, 2, 1);
  }

  /** [B, H·W, C] → the shape of {@code like} [B, C, H, W]. */
  private String image(String tokens, String like) {
    return g.op("Reshape", List.of(g.transpose(tokens, 0, 2, 1), g.shape(like)));
  }

  /**
   * BasicTransformerBlock: self-attention, cross-attention, GEGLU feed-forward, each pre-norm with
   * a residual.
   */
  String basicTransformerBlock(
      String h, String context, String prefix, int dim, int heads, int contextDim) {
    String n1 = g.layerNorm(h, prefix + ".norm1", dim, LAYER_NORM_EPS);
    h = g.add(attention(n1, n1, prefix + ".attn1", dim, dim, heads), h);
    String n2 = g.layerNorm(h, prefix + ".norm2", dim, LAYER_NORM_EPS);
    h = g.add(attention(n2, context, prefix + ".attn2", dim, contextDim, heads), h);
    String n3 = g.layerNorm(h, prefix + ".norm3", dim, LAYER_NORM_EPS);
    return g.add(feedForward(n3, prefix + ".ff", dim), h);
  }

  /**
   * diffusers' Attention (bias-free q/k/v projections, biased output projection) with scale
   * 1/√head_dim; {@code context} is the hidden states themselves for self-attention.
   */
  String attention(String x, String context, String prefix, int dim, int contextDim, int heads) {
    String q = g.linear(x, prefix + ".to_q", dim, dim, false);
    String k = g.linear(context, prefix + ".to_k", contextDim, dim, false);
    String v = g.linear(context, prefix + ".to_v", contextDim, dim, false);
    int headDim = dim / heads;
    String o =
        switch (kernel) {
          case MATMUL -> matmulAttention(q, k, v, heads, headDim, dim);
          case MULTI_HEAD_ATTENTION ->
              g.op(
                  "com.microsoft",
                  "MultiHeadAttention",
                  List.of(q, k, v),
                  Attr.of("num_heads", (long) heads),
                  Attr.of("scale", 1 / Math.sqrt(headDim)));
        };
    return g.linear(o, prefix + ".to_out.0", dim, dim, true);
  }

  private String matmulAttention(String q, String k, String v, int heads, int headDim, int dim) {
    String qh = g.transpose(g.reshape(q, 0, -1, heads, headDim), 0, 2, 1, 3);
    String kt = g.transpose(g.reshape(k, 0, -1, heads, headDim), 0, 2, 3, 1);
    String vh = g.transpose(g.reshape(v, 0, -1, heads, headDim), 0, 2, 1, 3);
    String scores = g.matmul(g.mul(qh, g.scalar(1 / Math.sqrt(headDim))), kt);
    String probs = g.op("Softmax", List.of(scores), Attr.of("axis", -1L));
    String o = g.transpose(g.matmul(probs, vh), 0, 2, 1, 3);
    return g.reshape(o, 0, -1, dim);
  }

  /** FeedForward with GEGLU: proj to 2 × 4·dim, hidden · gelu(gate), back to dim. */
  String feedForward(String x, String prefix, int dim) {
    int inner = 4 * dim;
    String[] halves = g.linearParts(x, prefix + ".net.0.proj", dim, inner, inner);
    String geglu = g.mul(halves[0], g.gelu(halves[1]));
    return g.linear(geglu, prefix + ".net.2", inner, dim, true);
  }

  /** Downsample2D with its convolution: 3×3, stride 2. */
  String downsample2D(String x, String prefix, int channels, int padding) {
    return g.conv2d(x, prefix + ".conv", channels, channels, 3, 2, padding, true);
  }

  /**
   * Upsample2D: nearest-neighbour interpolation to the spatial size of {@code sizeLike} (the skip
   * connection it will be concatenated with — twice the input unless the latent size is not a
   * multiple of the UNet's total downscale, exactly as diffusers' {@code upsample_size}), then a
   * 3×3 convolution.
   */
  String upsample2D(String x, String sizeLike, String prefix, int channels) {
    String sizes =
        g.concat(
            0,
            g.op("Slice", List.of(g.shape(x), g.ints(0), g.ints(2))),
            g.op("Slice", List.of(g.shape(sizeLike), g.ints(2), g.ints(4))));
    String up =
        g.op(
            "Resize",
            List.of(x, "", "", sizes),
            Attr.of("mode", "nearest"),
            Attr.of("coordinate_transformation_mode", "asymmetric"),
            Attr.of("nearest_mode", "floor"));
    return g.conv2d(up, prefix + ".conv", channels, channels, 3, 1, 1, true);
  }

  /**
   * diffusers' {@code get_timestep_embedding} on every element of {@code t}: a new last axis of
   * {@code dim} sinusoids. The frequencies are computed in float32 as diffusers does.
   */
  String timesteps(String t, int dim, boolean flipSinToCos, double downscaleFreqShift) {
    int half = dim / 2;
    String args =
        g.mul(g.op("Unsqueeze", List.of(t, g.ints(-1))), frequencies(half, downscaleFreqShift));
    String sin = g.op("Sin", List.of(args));
    String cos = g.op("Cos", List.of(args));
    String emb = flipSinToCos ? g.concat(-1, cos, sin) : g.concat(-1, sin, cos);
    if (dim % 2 == 1) {
      String zero =
          g.op("Slice", List.of(g.mul(args, g.scalar(0)), g.ints(0), g.ints(1), g.ints(-1)));
      emb = g.concat(-1, emb, zero);
    }
    return emb;
  }

  private String frequencies(int half, double downscaleFreqShift) {
    long[] shape = {half};
    return g.constant(shape, timestepFrequencies(half, downscaleFreqShift));
  }

  /** exp(−ln(10000) · i / (half − shift)) for i in [0, half), in float32 arithmetic like torch. */
  static float[] timestepFrequencies(int half, double downscaleFreqShift) {
    float[] f = new float[half];
    float logMax = (float) -Math.log(10000);
    float denominator = (float) (half - downscaleFreqShift);
    for (int i = 0; i < half; i++) {
      f[i] = (float) Math.exp((logMax * i) / denominator);
    }
    return f;
  }

  /**
   * SDXL's {@code text_time} addition embedding: the sinusoids of every {@code time_ids} entry,
   * flattened per batch item after the pooled {@code text_embeds}, through {@code add_embedding}.
   */
  String textTimeEmbedding(String textEmbeds, String timeIds, UNet2DConditionConfig cfg) {
    String timeEmbeds =
        timesteps(timeIds, cfg.additionTimeEmbedDim(), cfg.flipSinToCos(), cfg.freqShift());
    String addEmbeds = g.concat(-1, textEmbeds, g.reshape(timeEmbeds, 0, -1));
    return timestepEmbedding(
        addEmbeds, "add_embedding", cfg.projectionClassEmbeddingsInputDim(), cfg.timeEmbedDim());
  }

  /** TimestepEmbedding: linear, SiLU, linear. */
  String timestepEmbedding(String x, String prefix, int in, int out) {
    String h = g.silu(g.linear(x, prefix + ".linear_1", in, out, true));
    return g.linear(h, prefix + ".linear_2", out, out, true);
  }
}
