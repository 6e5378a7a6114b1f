package dev.easel.engine;

import java.util.List;

/**
 * The images of one request, in order, with what the caller should know about how they were made.
 *
 * @param images the outputs, image k made with seed + k
 * @param promptTokens tokens the prompt used (for usage reporting)
 * @param promptChunked true when the prompt was longer than one 75-token window and was encoded in
 *     chunks
 * @param sampler the scheduler that ran, by its infotext name ({@code Euler a}, {@code DPM++ 2M
 *     Karras})
 */
public record GenerationResult(
    List<GeneratedImage> images, int promptTokens, boolean promptChunked, String sampler) {
  public GenerationResult {
    images = List.copyOf(images);
  }

  /** The same result with other images (e.g. resized for the response). */
  public GenerationResult withImages(List<GeneratedImage> others) {
    return new GenerationResult(others, promptTokens, promptChunked, sampler);
  }
}
