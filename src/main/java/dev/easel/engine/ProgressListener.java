package dev.easel.engine;

import dev.easel.image.RgbaImage;

/** Hears about a generation while it runs. Called on the worker thread: keep it quick. */
public interface ProgressListener {
  /** After each denoising step; {@code step} counts from 1 to {@code total}. */
  default void onStep(int step, int total, long elapsedNanos) {}

  /**
   * A preview of image {@code index} decoded from the current latents (when previews were asked).
   */
  default void onPreview(int index, int previewNumber, RgbaImage preview) {}

  ProgressListener NONE = new ProgressListener() {};
}
