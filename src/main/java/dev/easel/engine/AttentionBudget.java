package dev.easel.engine;

import dev.easel.model.unet.UNet2DConditionConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds the memory of the UNet's spatial attention, which ONNX Runtime computes with the full
 * tokens × tokens score matrix: a UNet call on one row at W×H pixels needs about {@code 2 · heads ·
 * tokens² · 4} bytes at each attention level (scores and their softmax), where {@code tokens =
 * (W/d)·(H/d)} for the level's downscale {@code d}. Rows per call and the largest image are chosen
 * so that stays within {@code bytes}: a big request is slowed or refused, never an out-of-memory
 * crash.
 *
 * @param bytes memory allowed for one UNet call's attention
 * @param levels the UNet's attention levels
 */
public record AttentionBudget(long bytes, List<Level> levels) {
  /** One attention level: its head count and its downscale from pixels. */
  public record Level(int heads, int downscale) {}

  public AttentionBudget {
    levels = List.copyOf(levels);
  }

  /** The attention levels of a UNet whose latents are {@code vaeDownscale} times smaller. */
  public static AttentionBudget of(long bytes, UNet2DConditionConfig unet, int vaeDownscale) {
    List<Level> levels = new ArrayList<>();
    for (int i = 0; i < unet.blocks(); i++) {
      if (unet.downBlockTypes().get(i).equals(UNet2DConditionConfig.CROSS_ATTN_DOWN)) {
        levels.add(new Level(unet.attentionHeads()[i], vaeDownscale << i));
      }
    }
    int last = unet.blocks() - 1;
    levels.add(new Level(unet.attentionHeads()[last], vaeDownscale << last));
    return new AttentionBudget(bytes, levels);
  }

  /** Attention bytes of one UNet row at {@code pixels} = width × height. */
  public long bytesPerRow(long pixels) {
    double worst = 0;
    for (Level l : levels) {
      double tokens = (double) pixels / ((long) l.downscale() * l.downscale());
      worst = Math.max(worst, 2.0 * l.heads() * tokens * tokens * 4);
    }
    return (long) Math.min(Long.MAX_VALUE, worst);
  }

  /** The largest width × height one row fits in the budget at. */
  public long maxPixels() {
    double max = Double.MAX_VALUE;
    for (Level l : levels) {
      double tokens = Math.sqrt(bytes / (8.0 * l.heads()));
      max = Math.min(max, tokens * l.downscale() * l.downscale());
    }
    return (long) max;
  }

  /** UNet rows per call at {@code pixels}, between 1 and {@code maxRows}. */
  public int rowsPerCall(long pixels, int maxRows) {
    long perRow = Math.max(1, bytesPerRow(pixels));
    return (int) Math.max(1, Math.min(maxRows, bytes / perRow));
  }
}
