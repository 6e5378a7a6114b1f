package dev.easel.model.clip;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.weights.Weights;

/**
 * Builds transformers' {@code CLIPTextModel} as an ONNX graph from its state dict ({@code
 * text_model.*} keys of a diffusers {@code text_encoder/model.safetensors}).
 *
 * <p>Graph input {@link #INPUT_IDS} int64 [batch, max_position_embeddings]; outputs {@link
 * #LAST_HIDDEN_STATE} (after the final LayerNorm: what SD 1.x/2.x condition on), {@link
 * #POOLER_OUTPUT} (the end-of-text token's state), {@link #HIDDEN_STATES_PENULTIMATE} ({@code
 * hidden_states[-2]}, before the final LayerNorm: what SDXL conditions on) and, with {@link
 * Options#clipSkip()} > 0, {@link #HIDDEN_STATES_SKIP}.
 */
public final class CLIPTextModel {
  public static final String INPUT_IDS = "input_ids";
  public static final String LAST_HIDDEN_STATE = "last_hidden_state";
  public static final String POOLER_OUTPUT = "pooler_output";
  public static final String HIDDEN_STATES_PENULTIMATE = "hidden_states_penultimate";
  public static final String HIDDEN_STATES_SKIP = "hidden_states_skip";

  /**
   * transformers' non-persistent {@code position_ids} buffer, which some files still carry: it is
   * always {@code arange(max_position_embeddings)} and never read.
   */
  public static final String POSITION_IDS_KEY = "text_model.embeddings.position_ids";

  /**
   * Build options.
   *
   * @param clipSkip when > 0, adds {@link #HIDDEN_STATES_SKIP}: the final LayerNorm of {@code
   *     hidden_states[-(clipSkip + 1)]}, as diffusers' SD pipelines compute {@code clip_skip} (1 =
   *     the penultimate layer). 0 adds nothing.
   */
  public record Options(int clipSkip) {
    public static final Options DEFAULT = new Options(0);

    public Options {
      if (clipSkip < 0) {
        throw new IllegalArgumentException("clip skip must be 0 or more, got " + clipSkip);
      }
    }
  }

  private CLIPTextModel() {}

  public static OnnxGraph build(CLIPTextConfig cfg, Weights weights, Options options) {
    GraphBuilder g = new GraphBuilder("text_encoder", weights);
    CLIPTextTransformer.Encoded e = encode(g, cfg, options);
    g.output(POOLER_OUTPUT, e.pooled(), "batch", (long) cfg.hiddenSize());
    return g.build();
  }

  /** Declares the input, runs the transformer and names the outputs both text models share. */
  static CLIPTextTransformer.Encoded encode(GraphBuilder g, CLIPTextConfig cfg, Options options) {
    if (options.clipSkip() >= cfg.numHiddenLayers()) {
      throw new IllegalArgumentException(
          "clip skip "
              + options.clipSkip()
              + " needs more than the model's "
              + cfg.numHiddenLayers()
              + " layers");
    }
    long seq = cfg.maxPositionEmbeddings();
    long hidden = cfg.hiddenSize();
    String ids = g.input(INPUT_IDS, TensorProto.DataType.INT64, "batch", seq);
    CLIPTextTransformer.Encoded e = CLIPTextTransformer.encode(g, ids, cfg, options.clipSkip());
    g.output(LAST_HIDDEN_STATE, e.lastHiddenState(), "batch", seq, hidden);
    g.output(HIDDEN_STATES_PENULTIMATE, e.penultimate(), "batch", seq, hidden);
    if (e.skipped() != null) {
      g.output(HIDDEN_STATES_SKIP, e.skipped(), "batch", seq, hidden);
    }
    return e;
  }
}
