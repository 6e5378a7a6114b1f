package dev.easel.engine;

/** A loaded model that turns requests into images. One instance serves one model on one device. */
public interface ImageGenerator extends AutoCloseable {
  /** Name the model is known by (folder name, cache repo id or configured name). */
  String name();

  /** What the model can do and its defaults, used by callers to validate requests. */
  ModelCapabilities capabilities();

  /**
   * Generates, blocking until done.
   *
   * @throws IllegalArgumentException for a request this model cannot serve (message says why)
   * @throws Cancellation.CancelledException when cancelled
   */
  GenerationResult generate(
      GenerationRequest request, ProgressListener progress, Cancellation cancel);

  @Override
  void close();
}
