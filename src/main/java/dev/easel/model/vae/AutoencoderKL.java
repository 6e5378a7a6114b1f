package dev.easel.model.vae;

import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.weights.Weights;

/**
 * Builds diffusers' {@code AutoencoderKL} encoder and decoder as ONNX graphs, in diffusers' raw
 * convention and with Optimum's input and output names:
 *
 * <ul>
 *   <li>encoder: {@code sample} [N, 3, H, W] in [-1, 1] → {@code latent_parameters} [N, 2·C, H/f,
 *       W/f], mean and log variance after {@code quant_conv} (sample them with {@link
 *       DiagonalGaussian});
 *   <li>decoder: {@code latent_sample} [N, C, h, w], raw (undo the scaling with {@link
 *       LatentScaling#fromLatentSpace}) → {@code sample} [N, 3, f·h, f·w] in about [-1, 1].
 * </ul>
 */
public final class AutoencoderKL {
  public static final String SAMPLE = "sample";
  public static final String LATENT_PARAMETERS = "latent_parameters";
  public static final String LATENT_SAMPLE = "latent_sample";

  /** Winograd F(4×4, 3×3): decoder at 512² 12.1 s → 8.0 s, encoder 5.5 s → 3.6 s. */
  private static final int WINOGRAD_TILE = 4;

  private AutoencoderKL() {}

  /**
   * Winograd for the decoder's up block {@code level}: every 3×3 convolution below the output size;
   * at the output size (the last block) only those reading no more channels than it writes, so the
   * tile transforms hold about as much as the largest direct-form activation.
   */
  private static void useWinograd(GraphBuilder g, boolean winograd, int level, int[] ch) {
    g.useWinograd(winograd ? WINOGRAD_TILE : 0, level < ch.length - 1 ? Long.MAX_VALUE : ch[0]);
  }

  public static OnnxGraph encoder(AutoencoderKLConfig cfg, Weights w) {
    return encoder(cfg, w, true);
  }

  /**
   * @param winograd whether 3×3 convolutions use Winograd (faster, more memory at large sizes);
   *     false builds every convolution in its direct form, with the checkpoint's filters (for
   *     export, or {@code engine.vae-winograd=false})
   */
  public static OnnxGraph encoder(AutoencoderKLConfig cfg, Weights w, boolean winograd) {
    GraphBuilder g = new GraphBuilder("vae_encoder", w);
    int[] ch = cfg.blockOutChannels();
    long groups = cfg.normNumGroups();
    String x = g.input(SAMPLE, "batch", (long) cfg.inChannels(), "height", "width");
    x = g.conv2d(x, "encoder.conv_in", cfg.inChannels(), ch[0], 3, 1, 1, true);
    g.useWinograd(winograd ? WINOGRAD_TILE : 0);
    long in = ch[0];
    for (int i = 0; i < ch.length; i++) {
      String block = "encoder.down_blocks." + i;
      for (int j = 0; j < cfg.layersPerBlock(); j++) {
        x = VaeBlocks.resnetBlock2D(g, x, block + ".resnets." + j, in, ch[i], groups);
        in = ch[i];
      }
      if (i < ch.length - 1) {
        x = VaeBlocks.downsample2D(g, x, block + ".downsamplers.0", ch[i]);
      }
    }
    x = VaeBlocks.midBlock2D(g, x, "encoder.mid_block", in, groups, cfg.midBlockAddAttention());
    x = g.silu(g.groupNorm(x, "encoder.conv_norm_out", groups, in, VaeBlocks.NORM_EPS));
    g.useWinograd(0);
    long moments = 2L * cfg.latentChannels();
    x = g.conv2d(x, "encoder.conv_out", in, moments, 3, 1, 1, true);
    if (cfg.useQuantConv()) {
      x = g.conv2d(x, "quant_conv", moments, moments, 1, 1, 0, true);
    }
    g.output(LATENT_PARAMETERS, x, "batch", moments, "latent_height", "latent_width");
    return g.build();
  }

  public static OnnxGraph decoder(AutoencoderKLConfig cfg, Weights w) {
    return decoder(cfg, w, true);
  }

  /** As {@link #encoder(AutoencoderKLConfig, Weights, boolean)}. */
  public static OnnxGraph decoder(AutoencoderKLConfig cfg, Weights w, boolean winograd) {
    GraphBuilder g = new GraphBuilder("vae_decoder", w);
    int[] ch = cfg.blockOutChannels();
    long groups = cfg.normNumGroups();
    long latent = cfg.latentChannels();
    String x = g.input(LATENT_SAMPLE, "batch", latent, "latent_height", "latent_width");
    if (cfg.usePostQuantConv()) {
      x = g.conv2d(x, "post_quant_conv", latent, latent, 1, 1, 0, true);
    }
    long in = ch[ch.length - 1];
    x = g.conv2d(x, "decoder.conv_in", latent, in, 3, 1, 1, true);
    int n = ch.length;
    useWinograd(g, winograd, 0, ch);
    x = VaeBlocks.midBlock2D(g, x, "decoder.mid_block", in, groups, cfg.midBlockAddAttention());
    for (int i = 0; i < n; i++) {
      long out = ch[n - 1 - i];
      String block = "decoder.up_blocks." + i;
      useWinograd(g, winograd, i, ch);
      for (int j = 0; j < cfg.layersPerBlock() + 1; j++) {
        x = VaeBlocks.resnetBlock2D(g, x, block + ".resnets." + j, in, out, groups);
        in = out;
      }
      if (i < n - 1) {
        useWinograd(g, winograd, i + 1, ch);
        x = VaeBlocks.upsample2D(g, x, block + ".upsamplers.0", out);
      }
    }
    g.useWinograd(0);
    x = g.silu(g.groupNorm(x, "decoder.conv_norm_out", groups, in, VaeBlocks.NORM_EPS));
    x = g.conv2d(x, "decoder.conv_out", in, cfg.outChannels(), 3, 1, 1, true);
    g.output(SAMPLE, x, "batch", (long) cfg.outChannels(), "height", "width");
    return g.build();
  }
}
