package dev.easel.model.vae;

import dev.easel.model.ModelException;
import dev.easel.model.onnx.Attr;
import dev.easel.model.onnx.GraphBuilder;
import java.util.List;

/** The building blocks of diffusers' VAEs, emitted into a graph under their module prefixes. */
final class VaeBlocks {
  /** diffusers' VAEs build every GroupNorm (blocks, attention, output norm) with this epsilon. */
  static final double NORM_EPS = 1e-6;

  private VaeBlocks() {}

  /** ResnetBlock2D without time embedding: norm1→SiLU→conv1→norm2→SiLU→conv2, plus the skip. */
  static String resnetBlock2D(
      GraphBuilder g, String x, String prefix, long in, long out, long groups) {
    String h = g.silu(g.groupNorm(x, prefix + ".norm1", groups, in, NORM_EPS));
    h = g.conv2d(h, prefix + ".conv1", in, out, 3, 1, 1, true);
    h = g.silu(g.groupNorm(h, prefix + ".norm2", groups, out, NORM_EPS));
    h = g.conv2d(h, prefix + ".conv2", out, out, 3, 1, 1, true);
    String skip = in == out ? x : g.conv2d(x, prefix + ".conv_shortcut", in, out, 1, 1, 0, true);
    return g.add(skip, h);
  }

  /**
   * Downsample2D as the VAE encoder builds it ({@code padding=0}): zero padding on the right and
   * bottom only, then a 3×3 stride-2 convolution without padding.
   */
  static String downsample2D(GraphBuilder g, String x, String prefix, long channels) {
    String padded =
        g.op("Pad", List.of(x, g.ints(0, 0, 0, 0, 0, 0, 1, 1)), Attr.of("mode", "constant"));
    return g.conv2d(padded, prefix + ".conv", channels, channels, 3, 2, 0, true);
  }

  /** Upsample2D: nearest-neighbour ×2, then a 3×3 convolution. */
  static String upsample2D(GraphBuilder g, String x, String prefix, long channels) {
    return g.conv2d(nearestUpsample(g, x, 2), prefix + ".conv", channels, channels, 3, 1, 1, true);
  }

  /** Nearest-neighbour upsampling of an NCHW tensor by an integer factor (torch's "nearest"). */
  static String nearestUpsample(GraphBuilder g, String x, int factor) {
    String scales = g.constant(new long[] {4}, 1f, 1f, factor, factor);
    return g.op(
        "Resize",
        List.of(x, "", scales),
        Attr.of("mode", "nearest"),
        Attr.of("coordinate_transformation_mode", "asymmetric"),
        Attr.of("nearest_mode", "floor"));
  }

  /** Names of the attention's modules: diffusers' current ones, or those before diffusers 0.14. */
  private record AttentionNames(String q, String k, String v, String out) {
    static final AttentionNames CURRENT = new AttentionNames("to_q", "to_k", "to_v", "to_out.0");
    static final AttentionNames LEGACY = new AttentionNames("query", "key", "value", "proj_attn");
  }

  /**
   * The mid-block's single-head self-attention over spatial positions (diffusers' {@code Attention}
   * with a GroupNorm and a residual connection).
   */
  static String attention(GraphBuilder g, String x, String prefix, long channels, long groups) {
    AttentionNames names = attentionNames(g, prefix);
    String h = g.groupNorm(x, prefix + ".group_norm", groups, channels, NORM_EPS);
    h = g.transpose(g.reshape(h, 0, channels, -1), 0, 2, 1);
    String q = g.linear(h, prefix + "." + names.q(), channels, channels, true);
    String k = g.linear(h, prefix + "." + names.k(), channels, channels, true);
    String v = g.linear(h, prefix + "." + names.v(), channels, channels, true);
    String scores = g.mul(g.matmul(q, g.transpose(k, 0, 2, 1)), g.scalar(1 / Math.sqrt(channels)));
    String probs = g.op("Softmax", List.of(scores), Attr.of("axis", -1L));
    String o = g.linear(g.matmul(probs, v), prefix + "." + names.out(), channels, channels, true);
    String back = g.op("Reshape", List.of(g.transpose(o, 0, 2, 1), g.shape(x)));
    return g.add(back, x);
  }

  private static AttentionNames attentionNames(GraphBuilder g, String prefix) {
    if (g.weights().contains(prefix + ".to_q.weight")) {
      return AttentionNames.CURRENT;
    }
    if (g.weights().contains(prefix + ".query.weight")) {
      return AttentionNames.LEGACY;
    }
    if (g.weights().contains(prefix + ".q.weight")) {
      throw new ModelException(
          g.weights().source()
              + ": tensor '"
              + prefix
              + ".q.weight' is in the original LDM layout; convert the checkpoint to diffusers"
              + " (expected '"
              + prefix
              + ".to_q.weight')");
    }
    // Asking for the current name reports the missing tensor by file and key.
    return AttentionNames.CURRENT;
  }

  /** UNetMidBlock2D without time embedding: resnet, [attention], resnet. */
  static String midBlock2D(
      GraphBuilder g, String x, String prefix, long channels, long groups, boolean attention) {
    x = resnetBlock2D(g, x, prefix + ".resnets.0", channels, channels, groups);
    if (attention) {
      x = attention(g, x, prefix + ".attentions.0", channels, groups);
    }
    return resnetBlock2D(g, x, prefix + ".resnets.1", channels, channels, groups);
  }
}
