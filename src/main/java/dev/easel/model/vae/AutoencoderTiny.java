package dev.easel.model.vae;

import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.weights.Weights;
import java.util.List;

/**
 * Builds diffusers' {@code AutoencoderTiny} (TAESD) encoder and decoder as ONNX graphs. Both speak
 * diffusers' convention: images in [-1, 1], latents unscaled (TAESD latents are already in the
 * UNet's latent space).
 *
 * <p>Weights come in two layouts: diffusers' ({@code encoder.layers.N…}, {@code decoder.layers.N…})
 * and the original TAESD state dicts ({@code N…}, the decoder's indices one higher because its
 * first module is the clamp).
 */
public final class AutoencoderTiny {
  /** Graph input and output names. */
  public static final String IMAGE = "sample";

  public static final String LATENT = "latent_sample";

  private AutoencoderTiny() {}

  /** Where a layout keeps the encoder's or decoder's sequential modules. */
  public record Layout(String encoderPrefix, String decoderPrefix, int decoderOffset) {
    public static final Layout DIFFUSERS = new Layout("encoder.layers.", "decoder.layers.", 0);
    public static final Layout ORIGINAL = new Layout("", "", 1);
  }

  public static OnnxGraph encoder(AutoencoderTinyConfig cfg, Weights w, Layout layout) {
    GraphBuilder g = new GraphBuilder("taesd_encoder", w);
    String x = g.input(IMAGE, "batch", (long) cfg.inChannels(), "height", "width");
    x = g.div(g.add(x, g.scalar(1)), g.scalar(2));
    int index = 0;
    int[] ch = cfg.encoderBlockOutChannels();
    String p = layout.encoderPrefix();
    for (int i = 0; i < ch.length; i++) {
      if (i == 0) {
        x = g.conv2d(x, p + index++, cfg.inChannels(), ch[0], 3, 1, 1, true);
      } else {
        x = g.conv2d(x, p + index++, ch[i - 1], ch[i], 3, 2, 1, false);
      }
      for (int b = 0; b < cfg.numEncoderBlocks()[i]; b++) {
        x = block(g, x, p + index++, ch[i], ch[i], cfg.pooledBlocks());
      }
    }
    x = g.conv2d(x, p + index, ch[ch.length - 1], cfg.latentChannels(), 3, 1, 1, true);
    g.output(LATENT, x, "batch", (long) cfg.latentChannels(), "latent_height", "latent_width");
    return g.build();
  }

  public static OnnxGraph decoder(AutoencoderTinyConfig cfg, Weights w, Layout layout) {
    GraphBuilder g = new GraphBuilder("taesd_decoder", w);
    String x =
        g.input(LATENT, "batch", (long) cfg.latentChannels(), "latent_height", "latent_width");
    x = g.mul(g.op("Tanh", List.of(g.div(x, g.scalar(3)))), g.scalar(3));
    int index = layout.decoderOffset();
    int[] ch = cfg.decoderBlockOutChannels();
    String p = layout.decoderPrefix();
    x = g.relu(g.conv2d(x, p + index, cfg.latentChannels(), ch[0], 3, 1, 1, true));
    index += 2;
    for (int i = 0; i < ch.length; i++) {
      boolean last = i == ch.length - 1;
      for (int b = 0; b < cfg.numDecoderBlocks()[i]; b++) {
        x = block(g, x, p + index++, ch[i], ch[i], cfg.pooledBlocks());
      }
      if (!last) {
        x = VaeBlocks.nearestUpsample(g, x, cfg.upsamplingScalingFactor());
        index++;
      }
      x = g.conv2d(x, p + index++, ch[i], last ? cfg.outChannels() : ch[i], 3, 1, 1, last);
    }
    x = g.sub(g.mul(x, g.scalar(2)), g.scalar(1));
    g.output(IMAGE, x, "batch", (long) cfg.outChannels(), "height", "width");
    return g.build();
  }

  /** AutoencoderTinyBlock: relu(conv→relu→conv→relu→conv (x) + skip(x)), with the optional pool. */
  private static String block(
      GraphBuilder g, String x, String prefix, long in, long out, boolean pooled) {
    if (pooled && g.weights().contains(prefix + ".pool.0.weight")) {
      String p = g.conv2d(x, prefix + ".pool.0", in, 4 * in, 1, 1, 0, false);
      p = g.relu(g.groupNorm(p, prefix + ".pool.1", 4, 4 * in, 1e-5));
      p = g.conv2d(p, prefix + ".pool.3", 4 * in, in, 1, 1, 0, false);
      x = g.add(x, p);
    }
    String y = g.relu(g.conv2d(x, prefix + ".conv.0", in, out, 3, 1, 1, true));
    y = g.relu(g.conv2d(y, prefix + ".conv.2", out, out, 3, 1, 1, true));
    y = g.conv2d(y, prefix + ".conv.4", out, out, 3, 1, 1, true);
    String skip = in == out ? x : g.conv2d(x, prefix + ".skip", in, out, 1, 1, 0, false);
    return g.relu(g.add(y, skip));
  }
}
