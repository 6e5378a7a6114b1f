package dev.easel.model.unet;

import dev.easel.model.weights.Weights;
import dev.easel.testing.Reference;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A plain-Java double-precision forward pass of diffusers' UNet2DConditionModel, written from
 * diffusers' modules (resnet.py, transformer_2d.py, attention.py, attention_processor.py,
 * embeddings.py, unet_2d_blocks.py, unet_2d_condition.py) to check the ONNX graph against.
 */
final class UNetReference {
  /** An [n, c, h, w] activation. */
  record Image(double[] d, int n, int c, int h, int w) {}

  private final Weights weights;

  UNetReference(Weights weights) {
    this.weights = weights;
  }

  float[] p(String key, long... shape) {
    ByteBuffer b = weights.float32(key, shape);
    FloatBuffer f = b.asFloatBuffer();
    float[] out = new float[f.remaining()];
    f.get(out);
    return out;
  }

  Image conv(Image x, String prefix, int out, int k, int stride, int pad) {
    float[] w = p(prefix + ".weight", out, x.c(), k, k);
    float[] b = p(prefix + ".bias", out);
    double[] y =
        Reference.conv2d(
            x.d(), x.n(), x.c(), x.h(), x.w(), w, b, out, k, stride, pad, pad, pad, pad);
    int oh = (x.h() + 2 * pad - k) / stride + 1;
    int ow = (x.w() + 2 * pad - k) / stride + 1;
    return new Image(y, x.n(), out, oh, ow);
  }

  Image groupNorm(Image x, String prefix, int groups, double eps) {
    double[] y =
        Reference.groupNorm(
            x.d(),
            x.n(),
            x.c(),
            x.h() * x.w(),
            groups,
            p(prefix + ".weight", x.c()),
            p(prefix + ".bias", x.c()),
            eps);
    return new Image(y, x.n(), x.c(), x.h(), x.w());
  }

  double[] linear(double[] x, int rows, String prefix, int in, int out, boolean bias) {
    return Reference.linear(
        x, rows, in, p(prefix + ".weight", out, in), bias ? p(prefix + ".bias", out) : null, out);
  }

  static double[] silu(double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Reference.silu(x[i]);
    }
    return y;
  }

  static Image silu(Image x) {
    return new Image(silu(x.d()), x.n(), x.c(), x.h(), x.w());
  }

  static Image add(Image a, Image b) {
    double[] y = new double[a.d().length];
    for (int i = 0; i < y.length; i++) {
      y[i] = a.d()[i] + b.d()[i];
    }
    return new Image(y, a.n(), a.c(), a.h(), a.w());
  }

  static Image concatChannels(Image a, Image b) {
    int hw = a.h() * a.w();
    double[] y = new double[a.n() * (a.c() + b.c()) * hw];
    for (int n = 0; n < a.n(); n++) {
      System.arraycopy(a.d(), n * a.c() * hw, y, n * (a.c() + b.c()) * hw, a.c() * hw);
      System.arraycopy(b.d(), n * b.c() * hw, y, (n * (a.c() + b.c()) + a.c()) * hw, b.c() * hw);
    }
    return new Image(y, a.n(), a.c() + b.c(), a.h(), a.w());
  }

  /** ResnetBlock2D; {@code temb} is the raw time embedding [n, tembDim]. */
  Image resnet(
      Image x,
      double[] temb,
      int tembDim,
      String prefix,
      int out,
      int groups,
      double eps,
      double outputScale) {
    Image h = silu(groupNorm(x, prefix + ".norm1", groups, eps));
    h = conv(h, prefix + ".conv1", out, 3, 1, 1);
    double[] t = linear(silu(temb), x.n(), prefix + ".time_emb_proj", tembDim, out, true);
    double[] hd = h.d().clone();
    int hw = h.h() * h.w();
    for (int n = 0; n < x.n(); n++) {
      for (int c = 0; c < out; c++) {
        for (int s = 0; s < hw; s++) {
          hd[(n * out + c) * hw + s] += t[n * out + c];
        }
      }
    }
    h = new Image(hd, h.n(), out, h.h(), h.w());
    h = silu(groupNorm(h, prefix + ".norm2", groups, eps));
    h = conv(h, prefix + ".conv2", out, 3, 1, 1);
    Image shortcut = x.c() == out ? x : conv(x, prefix + ".conv_shortcut", out, 1, 1, 0);
    Image sum = add(shortcut, h);
    double[] y = sum.d().clone();
    for (int i = 0; i < y.length; i++) {
      y[i] /= outputScale;
    }
    return new Image(y, sum.n(), sum.c(), sum.h(), sum.w());
  }

  /** [n, c, h, w] → [n, h·w, c]. */
  static double[] tokens(Image x) {
    int hw = x.h() * x.w();
    double[] y = new double[x.d().length];
    for (int n = 0; n < x.n(); n++) {
      for (int c = 0; c < x.c(); c++) {
        for (int s = 0; s < hw; s++) {
          y[(n * hw + s) * x.c() + c] = x.d()[(n * x.c() + c) * hw + s];
        }
      }
    }
    return y;
  }

  static Image image(double[] tokens, int n, int c, int h, int w) {
    int hw = h * w;
    double[] y = new double[tokens.length];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int s = 0; s < hw; s++) {
          y[(b * c + ch) * hw + s] = tokens[(b * hw + s) * c + ch];
        }
      }
    }
    return new Image(y, n, c, h, w);
  }

  /** Transformer2DModel; {@code context} is [n, seq, contextDim]. */
  Image transformer(
      Image x,
      double[] context,
      int seq,
      String prefix,
      int heads,
      int layers,
      int contextDim,
      int groups,
      boolean linear) {
    int c = x.c();
    int rows = x.n() * x.h() * x.w();
    Image normed = groupNorm(x, prefix + ".norm", groups, 1e-6);
    double[] h;
    if (linear) {
      h = linear(tokens(normed), rows, prefix + ".proj_in", c, c, true);
    } else {
      h = tokens(conv(normed, prefix + ".proj_in", c, 1, 1, 0));
    }
    for (int i = 0; i < layers; i++) {
      h =
          basicTransformerBlock(
              h,
              x.n(),
              x.h() * x.w(),
              context,
              seq,
              prefix + ".transformer_blocks." + i,
              c,
              heads,
              contextDim);
    }
    Image out;
    if (linear) {
      out = image(linear(h, rows, prefix + ".proj_out", c, c, true), x.n(), c, x.h(), x.w());
    } else {
      out = conv(image(h, x.n(), c, x.h(), x.w()), prefix + ".proj_out", c, 1, 1, 0);
    }
    return add(out, x);
  }

  double[] basicTransformerBlock(
      double[] h,
      int n,
      int len,
      double[] context,
      int seq,
      String prefix,
      int dim,
      int heads,
      int contextDim) {
    int rows = n * len;
    double[] n1 = layerNorm(h, rows, prefix + ".norm1", dim);
    h = sum(attention(n1, n, len, n1, len, prefix + ".attn1", dim, dim, heads), h);
    double[] n2 = layerNorm(h, rows, prefix + ".norm2", dim);
    h = sum(attention(n2, n, len, context, seq, prefix + ".attn2", dim, contextDim, heads), h);
    double[] n3 = layerNorm(h, rows, prefix + ".norm3", dim);
    return sum(feedForward(n3, rows, prefix + ".ff", dim), h);
  }

  double[] layerNorm(double[] x, int rows, String prefix, int dim) {
    return Reference.layerNorm(
        x, rows, dim, p(prefix + ".weight", dim), p(prefix + ".bias", dim), 1e-5);
  }

  static double[] sum(double[] a, double[] b) {
    double[] y = new double[a.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = a[i] + b[i];
    }
    return y;
  }

  /** diffusers' Attention: x [n, len, dim] attends to context [n, seq, contextDim]. */
  double[] attention(
      double[] x,
      int n,
      int len,
      double[] context,
      int seq,
      String prefix,
      int dim,
      int contextDim,
      int heads) {
    double[] q = linear(x, n * len, prefix + ".to_q", dim, dim, false);
    double[] k = linear(context, n * seq, prefix + ".to_k", contextDim, dim, false);
    double[] v = linear(context, n * seq, prefix + ".to_v", contextDim, dim, false);
    int d = dim / heads;
    double[] o = new double[n * len * dim];
    for (int b = 0; b < n; b++) {
      double[] out =
          Reference.attention(
              heads(q, b, len, heads, d),
              heads(k, b, seq, heads, d),
              heads(v, b, seq, heads, d),
              heads,
              len,
              seq,
              d,
              false);
      for (int hd = 0; hd < heads; hd++) {
        for (int i = 0; i < len; i++) {
          for (int e = 0; e < d; e++) {
            o[(b * len + i) * dim + hd * d + e] = out[(hd * len + i) * d + e];
          }
        }
      }
    }
    return linear(o, n * len, prefix + ".to_out.0", dim, dim, true);
  }

  /** Batch item b of [n, len, heads·d] as [heads, len, d]. */
  private static double[] heads(double[] x, int b, int len, int heads, int d) {
    double[] y = new double[heads * len * d];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < len; i++) {
        for (int e = 0; e < d; e++) {
          y[(h * len + i) * d + e] = x[(b * len + i) * heads * d + h * d + e];
        }
      }
    }
    return y;
  }

  /** FeedForward with GEGLU. */
  double[] feedForward(double[] x, int rows, String prefix, int dim) {
    int inner = 4 * dim;
    double[] proj = linear(x, rows, prefix + ".net.0.proj", dim, 2 * inner, true);
    double[] g = new double[rows * inner];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < inner; i++) {
        g[r * inner + i] =
            proj[r * 2 * inner + i] * Reference.gelu(proj[r * 2 * inner + inner + i]);
      }
    }
    return linear(g, rows, prefix + ".net.2", inner, dim, true);
  }

  Image downsample(Image x, String prefix, int padding) {
    return conv(x, prefix + ".conv", x.c(), 3, 2, padding);
  }

  /** Upsample2D: F.interpolate(mode="nearest", size=(oh, ow)), then the 3×3 convolution. */
  Image upsample(Image x, int oh, int ow, String prefix) {
    double[] y = new double[x.n() * x.c() * oh * ow];
    for (int p = 0; p < x.n() * x.c(); p++) {
      for (int i = 0; i < oh; i++) {
        int si = Math.min((int) Math.floor(i * (double) x.h() / oh), x.h() - 1);
        for (int j = 0; j < ow; j++) {
          int sj = Math.min((int) Math.floor(j * (double) x.w() / ow), x.w() - 1);
          y[(p * oh + i) * ow + j] = x.d()[(p * x.h() + si) * x.w() + sj];
        }
      }
    }
    return conv(new Image(y, x.n(), x.c(), oh, ow), prefix + ".conv", x.c(), 3, 1, 1);
  }

  /**
   * diffusers' get_timestep_embedding for each of the values {@code t}: [t.length, dim]. The
   * frequencies are float32 in diffusers (torch.arange(dtype=float32)), so they are here too.
   */
  static double[] timesteps(double[] t, int dim, boolean flipSinToCos, double shift) {
    int half = dim / 2;
    double[] y = new double[t.length * dim];
    for (int r = 0; r < t.length; r++) {
      for (int i = 0; i < half; i++) {
        float exponent = (float) -Math.log(10000) * i;
        exponent = exponent / (float) (half - shift);
        float freq = (float) Math.exp(exponent);
        double arg = t[r] * (double) freq;
        double sin = Math.sin(arg);
        double cos = Math.cos(arg);
        y[r * dim + i] = flipSinToCos ? cos : sin;
        y[r * dim + half + i] = flipSinToCos ? sin : cos;
      }
    }
    return y;
  }

  double[] timestepEmbedding(double[] x, int rows, String prefix, int in, int out) {
    double[] h = silu(linear(x, rows, prefix + ".linear_1", in, out, true));
    return linear(h, rows, prefix + ".linear_2", out, out, true);
  }

  /** The text_time addition embedding: [n, timeEmbedDim]. */
  double[] textTimeEmbedding(
      double[] textEmbeds, int textDim, double[] timeIds, int ids, UNet2DConditionConfig cfg) {
    int n = textEmbeds.length / textDim;
    int addDim = cfg.additionTimeEmbedDim();
    double[] time = timesteps(timeIds, addDim, cfg.flipSinToCos(), cfg.freqShift());
    int width = textDim + ids * addDim;
    double[] cat = new double[n * width];
    for (int b = 0; b < n; b++) {
      System.arraycopy(textEmbeds, b * textDim, cat, b * width, textDim);
      System.arraycopy(time, b * ids * addDim, cat, b * width + textDim, ids * addDim);
    }
    return timestepEmbedding(
        cat, n, "add_embedding", cfg.projectionClassEmbeddingsInputDim(), cfg.timeEmbedDim());
  }

  /** The whole UNet2DConditionModel.forward. */
  Image forward(
      UNet2DConditionConfig cfg,
      Image sample,
      double[] timestep,
      double[] context,
      int seq,
      double[] textEmbeds,
      double[] timeIds) {
    int n = sample.n();
    int[] ch = cfg.blockOutChannels();
    int temb = cfg.timeEmbedDim();
    double[] emb =
        timestepEmbedding(
            timesteps(timestep, ch[0], cfg.flipSinToCos(), cfg.freqShift()),
            n,
            "time_embedding",
            ch[0],
            temb);
    if (cfg.hasTextTime()) {
      int ids = timeIds.length / n;
      emb = sum(emb, textTimeEmbedding(textEmbeds, textEmbeds.length / n, timeIds, ids, cfg));
    }
    int groups = cfg.normNumGroups();
    double eps = cfg.normEps();
    int cross = cfg.crossAttentionDim()[0];
    Image x = sample;
    if (cfg.centerInputSample()) {
      double[] y = x.d().clone();
      for (int i = 0; i < y.length; i++) {
        y[i] = 2 * y[i] - 1;
      }
      x = new Image(y, x.n(), x.c(), x.h(), x.w());
    }
    x = conv(x, "conv_in", ch[0], cfg.convInKernel(), 1, (cfg.convInKernel() - 1) / 2);
    Deque<Image> skips = new ArrayDeque<>();
    skips.push(x);
    int blocks = cfg.blocks();
    for (int i = 0; i < blocks; i++) {
      String p = "down_blocks." + i;
      boolean attn = cfg.downBlockTypes().get(i).equals("CrossAttnDownBlock2D");
      for (int j = 0; j < cfg.layersPerBlock()[i]; j++) {
        x = resnet(x, emb, temb, p + ".resnets." + j, ch[i], groups, eps, 1);
        if (attn) {
          x =
              transformer(
                  x,
                  context,
                  seq,
                  p + ".attentions." + j,
                  cfg.attentionHeads()[i],
                  cfg.transformerLayersPerBlock()[i],
                  cross,
                  groups,
                  cfg.useLinearProjection());
        }
        skips.push(x);
      }
      if (i < blocks - 1) {
        x = downsample(x, p + ".downsamplers.0", cfg.downsamplePadding());
        skips.push(x);
      }
    }
    int last = blocks - 1;
    double midScale = cfg.midBlockScaleFactor();
    x = resnet(x, emb, temb, "mid_block.resnets.0", ch[last], groups, eps, midScale);
    x =
        transformer(
            x,
            context,
            seq,
            "mid_block.attentions.0",
            cfg.attentionHeads()[last],
            cfg.transformerLayersPerBlock()[last],
            cross,
            groups,
            cfg.useLinearProjection());
    x = resnet(x, emb, temb, "mid_block.resnets.1", ch[last], groups, eps, midScale);
    for (int i = 0; i < blocks; i++) {
      int level = blocks - 1 - i;
      String p = "up_blocks." + i;
      boolean attn = cfg.upBlockTypes().get(i).equals("CrossAttnUpBlock2D");
      for (int j = 0; j < cfg.layersPerBlock()[level] + 1; j++) {
        x = concatChannels(x, skips.pop());
        x = resnet(x, emb, temb, p + ".resnets." + j, ch[level], groups, eps, 1);
        if (attn) {
          x =
              transformer(
                  x,
                  context,
                  seq,
                  p + ".attentions." + j,
                  cfg.attentionHeads()[level],
                  cfg.transformerLayersPerBlock()[level],
                  cross,
                  groups,
                  cfg.useLinearProjection());
        }
      }
      if (i < blocks - 1) {
        Image next = skips.peek();
        x = upsample(x, next.h(), next.w(), p + ".upsamplers.0");
      }
    }
    x = silu(groupNorm(x, "conv_norm_out", groups, eps));
    return conv(
        x, "conv_out", cfg.outChannels(), cfg.convOutKernel(), 1, (cfg.convOutKernel() - 1) / 2);
  }
}
