package dev.easel.engine.noise;

/**
 * Standard normal noise for a batch of images, each image drawing from its own generator, so that
 * an image's noise depends only on its own seed and not on the batch it was generated in.
 */
public interface NoiseSource {

  /** Number of images this source draws for. */
  int batchSize();

  /**
   * Fills {@code out}, a batch tensor [B, ...] flattened, with N(0, 1) noise: item k's slice of
   * {@code out.length / B} values comes from image k's generator, as one {@code torch.randn} call
   * of that size would.
   *
   * @throws IllegalArgumentException if {@code out.length} is not a multiple of {@link
   *     #batchSize()}
   */
  void fill(float[] out);

  /** A new array shaped like {@code like}, filled by {@link #fill(float[])}. */
  default float[] sampleLike(float[] like) {
    float[] out = new float[like.length];
    fill(out);
    return out;
  }
}
