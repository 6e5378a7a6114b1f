package dev.easel.model.vae;

import dev.easel.model.weights.Weights;
import dev.easel.testing.Reference;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A plain-Java, double-precision forward pass of diffusers' AutoencoderKL, written from the PyTorch
 * modules, reading the same weights the graph builder used. Activations are [n, c, h, w] row-major.
 */
final class VaeReference {
  private final Weights w;

  VaeReference(Weights w) {
    this.w = w;
  }

  /** An activation with its dimensions. */
  record T(double[] x, int n, int c, int h, int wd) {}

  float[] get(String key, long... shape) {
    FloatBuffer b = w.float32(key, shape).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  T conv(T t, String prefix, int out, int k, int stride, int[] pads) {
    double[] y =
        Reference.conv2d(
            t.x(),
            t.n(),
            t.c(),
            t.h(),
            t.wd(),
            get(prefix + ".weight", out, t.c(), k, k),
            get(prefix + ".bias", out),
            out,
            k,
            stride,
            pads[0],
            pads[1],
            pads[2],
            pads[3]);
    int oh = (t.h() + pads[0] + pads[2] - k) / stride + 1;
    int ow = (t.wd() + pads[1] + pads[3] - k) / stride + 1;
    return new T(y, t.n(), out, oh, ow);
  }

  T conv3(T t, String prefix, int out) {
    return conv(t, prefix, out, 3, 1, new int[] {1, 1, 1, 1});
  }

  T norm(T t, String prefix, int groups) {
    double[] y =
        Reference.groupNorm(
            t.x(),
            t.n(),
            t.c(),
            t.h() * t.wd(),
            groups,
            get(prefix + ".weight", t.c()),
            get(prefix + ".bias", t.c()),
            1e-6);
    return new T(y, t.n(), t.c(), t.h(), t.wd());
  }

  static T silu(T t) {
    double[] y = new double[t.x().length];
    for (int i = 0; i < y.length; i++) {
      y[i] = Reference.silu(t.x()[i]);
    }
    return new T(y, t.n(), t.c(), t.h(), t.wd());
  }

  static T add(T a, T b) {
    double[] y = new double[a.x().length];
    for (int i = 0; i < y.length; i++) {
      y[i] = a.x()[i] + b.x()[i];
    }
    return new T(y, a.n(), a.c(), a.h(), a.wd());
  }

  T resnet(T x, String prefix, int out, int groups) {
    T h = conv3(silu(norm(x, prefix + ".norm1", groups)), prefix + ".conv1", out);
    h = conv3(silu(norm(h, prefix + ".norm2", groups)), prefix + ".conv2", out);
    T skip =
        x.c() == out ? x : conv(x, prefix + ".conv_shortcut", out, 1, 1, new int[] {0, 0, 0, 0});
    return add(skip, h);
  }

  T downsample(T x, String prefix) {
    return conv(x, prefix + ".conv", x.c(), 3, 2, new int[] {0, 0, 1, 1});
  }

  T upsample(T x, String prefix) {
    double[] up = Reference.upsampleNearest(x.x(), x.n(), x.c(), x.h(), x.wd(), 2);
    return conv3(new T(up, x.n(), x.c(), 2 * x.h(), 2 * x.wd()), prefix + ".conv", x.c());
  }

  T attention(T x, String prefix, int groups, String q, String k, String v, String o) {
    T h = norm(x, prefix + ".group_norm", groups);
    int c = x.c();
    int len = x.h() * x.wd();
    double[] out = new double[x.x().length];
    for (int b = 0; b < x.n(); b++) {
      double[] seq = new double[len * c];
      for (int ch = 0; ch < c; ch++) {
        for (int s = 0; s < len; s++) {
          seq[s * c + ch] = h.x()[(b * c + ch) * len + s];
        }
      }
      double[] qs = linear(seq, len, c, prefix + "." + q);
      double[] ks = linear(seq, len, c, prefix + "." + k);
      double[] vs = linear(seq, len, c, prefix + "." + v);
      double[] a =
          linear(Reference.attention(qs, ks, vs, 1, len, len, c, false), len, c, prefix + "." + o);
      for (int ch = 0; ch < c; ch++) {
        for (int s = 0; s < len; s++) {
          int i = (b * c + ch) * len + s;
          out[i] = a[s * c + ch] + x.x()[i];
        }
      }
    }
    return new T(out, x.n(), c, x.h(), x.wd());
  }

  private double[] linear(double[] x, int rows, int c, String prefix) {
    return Reference.linear(x, rows, c, get(prefix + ".weight", c, c), get(prefix + ".bias", c), c);
  }

  T midBlock(T x, String prefix, int groups) {
    x = resnet(x, prefix + ".resnets.0", x.c(), groups);
    x = attention(x, prefix + ".attentions.0", groups, "to_q", "to_k", "to_v", "to_out.0");
    return resnet(x, prefix + ".resnets.1", x.c(), groups);
  }

  T encode(AutoencoderKLConfig cfg, T x) {
    int[] ch = cfg.blockOutChannels();
    int groups = cfg.normNumGroups();
    x = conv3(x, "encoder.conv_in", ch[0]);
    for (int i = 0; i < ch.length; i++) {
      for (int j = 0; j < cfg.layersPerBlock(); j++) {
        x = resnet(x, "encoder.down_blocks." + i + ".resnets." + j, ch[i], groups);
      }
      if (i < ch.length - 1) {
        x = downsample(x, "encoder.down_blocks." + i + ".downsamplers.0");
      }
    }
    x = midBlock(x, "encoder.mid_block", groups);
    x =
        conv3(
            silu(norm(x, "encoder.conv_norm_out", groups)),
            "encoder.conv_out",
            2 * cfg.latentChannels());
    return conv(x, "quant_conv", x.c(), 1, 1, new int[] {0, 0, 0, 0});
  }

  T decode(AutoencoderKLConfig cfg, T z) {
    int[] ch = cfg.blockOutChannels();
    int groups = cfg.normNumGroups();
    T x = conv(z, "post_quant_conv", z.c(), 1, 1, new int[] {0, 0, 0, 0});
    x = conv3(x, "decoder.conv_in", ch[ch.length - 1]);
    x = midBlock(x, "decoder.mid_block", groups);
    for (int i = 0; i < ch.length; i++) {
      for (int j = 0; j <= cfg.layersPerBlock(); j++) {
        x = resnet(x, "decoder.up_blocks." + i + ".resnets." + j, ch[ch.length - 1 - i], groups);
      }
      if (i < ch.length - 1) {
        x = upsample(x, "decoder.up_blocks." + i + ".upsamplers.0");
      }
    }
    return conv3(
        silu(norm(x, "decoder.conv_norm_out", groups)), "decoder.conv_out", cfg.outChannels());
  }
}
