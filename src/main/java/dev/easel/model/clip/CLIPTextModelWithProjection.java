package dev.easel.model.clip;

import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.weights.Weights;

/**
 * Builds transformers' {@code CLIPTextModelWithProjection} (SDXL's second text encoder): the
 * outputs of {@link CLIPTextModel}, with {@link #TEXT_EMBEDS} = {@code text_projection(pooled)} (a
 * bias-free linear layer) in place of the pooled state.
 */
public final class CLIPTextModelWithProjection {
  public static final String TEXT_EMBEDS = "text_embeds";

  private CLIPTextModelWithProjection() {}

  public static OnnxGraph build(
      CLIPTextConfig cfg, Weights weights, CLIPTextModel.Options options) {
    GraphBuilder g = new GraphBuilder("text_encoder_2", weights);
    CLIPTextTransformer.Encoded e = CLIPTextModel.encode(g, cfg, options);
    String embeds =
        g.linear(e.pooled(), "text_projection", cfg.hiddenSize(), cfg.projectionDim(), false);
    g.output(TEXT_EMBEDS, embeds, "batch", (long) cfg.projectionDim());
    return g.build();
  }
}
