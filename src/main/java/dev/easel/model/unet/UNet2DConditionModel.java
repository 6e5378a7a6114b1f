package dev.easel.model.unet;

import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.weights.Weights;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Builds diffusers' {@code UNet2DConditionModel} (SD 1.x, SD 2.x, SD-Turbo, SDXL, SDXL-Turbo,
 * inpainting) as an ONNX graph from its config and state dict.
 *
 * <p>Inputs, named as in Optimum's export: {@code sample} [batch, in_channels, height, width],
 * {@code timestep} [batch] (one float timestep per batch item, or a single one for the whole
 * batch), {@code encoder_hidden_states} [batch, sequence, cross_attention_dim] (any sequence
 * length) and, for SDXL ({@code addition_embed_type: text_time}), {@code text_embeds} [batch,
 * pooled width] and {@code time_ids} [batch, count]. Output: {@code out_sample} [batch,
 * out_channels, height, width].
 */
public final class UNet2DConditionModel {
  public static final String SAMPLE = "sample";
  public static final String TIMESTEP = "timestep";
  public static final String ENCODER_HIDDEN_STATES = "encoder_hidden_states";
  public static final String TEXT_EMBEDS = "text_embeds";
  public static final String TIME_IDS = "time_ids";
  public static final String OUT_SAMPLE = "out_sample";

  private UNet2DConditionModel() {}

  /**
   * The graph with ONNX Runtime's fused MultiHeadAttention, measured faster on CPU than plain
   * operators (see UNetFullSizeTest) and numerically the same.
   */
  public static OnnxGraph build(UNet2DConditionConfig cfg, Weights weights) {
    return build(cfg, weights, AttentionKernel.MULTI_HEAD_ATTENTION);
  }

  public static OnnxGraph build(
      UNet2DConditionConfig cfg, Weights weights, AttentionKernel attention) {
    return build(cfg, weights, attention, DEFAULT_WINOGRAD_LEVELS);
  }

  /**
   * @param winogradLevels resolution levels, from the full latent size down, whose 3×3 convolutions
   *     use Winograd (0: none, every convolution direct)
   */
  public static OnnxGraph build(
      UNet2DConditionConfig cfg, Weights weights, AttentionKernel attention, int winogradLevels) {
    GraphBuilder g = new GraphBuilder("unet", weights);
    UNetLayers l = new UNetLayers(g, attention);
    int n = cfg.blocks();
    int[] ch = cfg.blockOutChannels();
    int temb = cfg.timeEmbedDim();

    String x = g.input(SAMPLE, "batch", (long) cfg.inChannels(), "height", "width");
    String t = g.input(TIMESTEP, "timestep_batch");
    String context =
        g.input(ENCODER_HIDDEN_STATES, "batch", "sequence", (long) cfg.crossAttentionDim()[0]);

    String emb = l.timesteps(t, ch[0], cfg.flipSinToCos(), cfg.freqShift());
    emb = l.timestepEmbedding(emb, "time_embedding", ch[0], temb);
    if (cfg.hasTextTime()) {
      String text = g.input(TEXT_EMBEDS, "batch", "text_embeds_dim");
      String ids = g.input(TIME_IDS, "batch", "time_ids_count");
      emb = g.add(emb, l.textTimeEmbedding(text, ids, cfg));
    }
    String tembAct = g.silu(emb);

    if (cfg.centerInputSample()) {
      x = g.sub(g.mul(x, g.scalar(2)), g.scalar(1));
    }
    int kin = cfg.convInKernel();
    g.assembleWinogradTilesByConvTranspose();
    g.useWinograd(tileAt(0, winogradLevels));
    x = g.conv2d(x, "conv_in", cfg.inChannels(), ch[0], kin, 1, (kin - 1) / 2, true);

    Deque<Skip> skips = new ArrayDeque<>();
    skips.push(new Skip(x, ch[0]));
    int groups = cfg.normNumGroups();
    double eps = cfg.normEps();
    int cross = cfg.crossAttentionDim()[0];
    for (int i = 0; i < n; i++) {
      String p = "down_blocks." + i;
      g.useWinograd(tileAt(i, winogradLevels));
      boolean attn = cfg.downBlockTypes().get(i).equals(UNet2DConditionConfig.CROSS_ATTN_DOWN);
      int in = i == 0 ? ch[0] : ch[i - 1];
      for (int j = 0; j < cfg.layersPerBlock()[i]; j++) {
        x =
            l.resnetBlock2D(
                x, tembAct, p + ".resnets." + j, j == 0 ? in : ch[i], ch[i], temb, groups, eps, 1);
        if (attn) {
          x =
              l.transformer2DModel(
                  x,
                  context,
                  p + ".attentions." + j,
                  ch[i],
                  cfg.attentionHeads()[i],
                  cfg.transformerLayersPerBlock()[i],
                  cross,
                  groups,
                  cfg.useLinearProjection());
        }
        skips.push(new Skip(x, ch[i]));
      }
      if (i < n - 1) {
        x = l.downsample2D(x, p + ".downsamplers.0", ch[i], cfg.downsamplePadding());
        skips.push(new Skip(x, ch[i]));
      }
    }

    g.useWinograd(tileAt(n - 1, winogradLevels));
    int last = ch[n - 1];
    double midScale = cfg.midBlockScaleFactor();
    x = l.resnetBlock2D(x, tembAct, "mid_block.resnets.0", last, last, temb, groups, eps, midScale);
    x =
        l.transformer2DModel(
            x,
            context,
            "mid_block.attentions.0",
            last,
            cfg.attentionHeads()[n - 1],
            cfg.transformerLayersPerBlock()[n - 1],
            cross,
            groups,
            cfg.useLinearProjection());
    x = l.resnetBlock2D(x, tembAct, "mid_block.resnets.1", last, last, temb, groups, eps, midScale);

    int channels = last;
    for (int i = 0; i < n; i++) {
      int level = n - 1 - i;
      String p = "up_blocks." + i;
      g.useWinograd(tileAt(level, winogradLevels));
      boolean attn = cfg.upBlockTypes().get(i).equals(UNet2DConditionConfig.CROSS_ATTN_UP);
      int out = ch[level];
      for (int j = 0; j < cfg.layersPerBlock()[level] + 1; j++) {
        Skip skip = skips.pop();
        x = g.concat(1, x, skip.value());
        x =
            l.resnetBlock2D(
                x,
                tembAct,
                p + ".resnets." + j,
                channels + skip.channels(),
                out,
                temb,
                groups,
                eps,
                1);
        channels = out;
        if (attn) {
          x =
              l.transformer2DModel(
                  x,
                  context,
                  p + ".attentions." + j,
                  out,
                  cfg.attentionHeads()[level],
                  cfg.transformerLayersPerBlock()[level],
                  cross,
                  groups,
                  cfg.useLinearProjection());
        }
      }
      if (i < n - 1) {
        g.useWinograd(tileAt(level - 1, winogradLevels));
        x = l.upsample2D(x, skips.peek().value(), p + ".upsamplers.0", out);
      }
    }

    g.useWinograd(tileAt(0, winogradLevels));
    x = g.silu(g.groupNorm(x, "conv_norm_out", groups, ch[0], eps));
    int kout = cfg.convOutKernel();
    x = g.conv2d(x, "conv_out", ch[0], cfg.outChannels(), kout, 1, (kout - 1) / 2, true);
    g.output(OUT_SAMPLE, x, "batch", (long) cfg.outChannels(), "height", "width");
    return g.build();
  }

  /**
   * Resolution levels (from the full latent size down) whose 3×3 convolutions use Winograd by
   * default: at 512² the first two levels hold 264 of the 395 GFLOP of 3×3 convolutions but only 79
   * M of their 521 M parameters (SD-Turbo: 4.3 s → 3.4-3.6 s for 0.4 GB more filter memory); a
   * third level adds 0.6 GB and a peak of 1.8 times the weights for 0.02 s at 512² (0.04-0.07 s at
   * 256²).
   */
  public static final int DEFAULT_WINOGRAD_LEVELS = 2;

  /**
   * F(4×4, 3×3) at the full latent size, F(2×2, 3×3) below: F(4×4) filters take 4 times the direct
   * filter memory instead of 16/9, which the first level's 320-channel filters afford (SD-Turbo at
   * 512²: 0.17 s for 0.15 GB) and the second level's 640-channel ones do not (0.11 s for 0.56 GB,
   * past 1.5 times the weights at peak).
   */
  private static int tileAt(int level, int winogradLevels) {
    return level >= winogradLevels ? 0 : level == 0 ? 4 : 2;
  }

  private record Skip(String value, int channels) {}
}
