package dev.easel.engine;

import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxSession;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The UNet with classifier-free guidance: conditional and unconditional passes run as one batch,
 * split into sub-batches of at most {@code maxBatch} rows to bound memory.
 *
 * @param addTimeIds SDXL micro-conditioning values per image ({@code time_ids}), or null for SD 1/2
 */
record Denoiser(OnnxSession unet, int maxBatch, float[] addTimeIds) {

  /**
   * The guided model output for {@code input} [B, C, h, w] at timestep {@code t}.
   *
   * @param guidance scale; ≤ 1 runs the conditional pass only
   */
  float[] predict(
      FloatTensor input, double t, Conditioning cond, Conditioning uncond, double guidance) {
    int b = (int) input.dim(0);
    boolean cfg = guidance > 1;
    FloatTensor batch = cfg ? FloatTensor.concat(input, input) : input;
    int rows = (int) batch.dim(0);
    FloatTensor[] parts = new FloatTensor[(rows + maxBatch - 1) / maxBatch];
    for (int p = 0; p < parts.length; p++) {
      int from = p * maxBatch;
      int to = Math.min(rows, from + maxBatch);
      Map<String, Object> feed = new LinkedHashMap<>();
      feed.put("sample", batch.slice(from, to));
      float[] ts = new float[to - from];
      Arrays.fill(ts, (float) t);
      feed.put("timestep", new FloatTensor(new long[] {to - from}, ts));
      feed.put("encoder_hidden_states", rowsOf(cond, uncond, b, cfg, from, to, false));
      if (addTimeIds != null) {
        feed.put("text_embeds", rowsOf(cond, uncond, b, cfg, from, to, true));
        float[] ids = new float[(to - from) * addTimeIds.length];
        for (int r = 0; r < to - from; r++) {
          System.arraycopy(addTimeIds, 0, ids, r * addTimeIds.length, addTimeIds.length);
        }
        feed.put("time_ids", new FloatTensor(new long[] {to - from, addTimeIds.length}, ids));
      }
      parts[p] = unet.runSingle(feed);
    }
    // The output has the latent channels only (4), also when the input carries the
    // inpainting UNet's mask and masked-image channels.
    float[] out = FloatTensor.concat(parts).data();
    if (!cfg) {
      return out;
    }
    int half = out.length / 2;
    float[] guided = new float[half];
    for (int i = 0; i < half; i++) {
      float u = out[i];
      float c = out[half + i];
      guided[i] = u + (float) guidance * (c - u);
    }
    return guided;
  }

  /** Rows [from, to) of the batch [uncond × b, cond × b] (or [cond × b] without guidance). */
  private static FloatTensor rowsOf(
      Conditioning cond,
      Conditioning uncond,
      int b,
      boolean cfg,
      int from,
      int to,
      boolean pooled) {
    FloatTensor c = pooled ? cond.pooled() : cond.hidden();
    FloatTensor u = !cfg ? c : pooled ? uncond.pooled() : uncond.hidden();
    int item = c.data().length;
    float[] data = new float[(to - from) * item];
    for (int r = from; r < to; r++) {
      FloatTensor src = cfg && r < b ? u : c;
      System.arraycopy(src.data(), 0, data, (r - from) * item, item);
    }
    long[] shape = c.shape();
    shape[0] = to - from;
    return new FloatTensor(shape, data);
  }
}
