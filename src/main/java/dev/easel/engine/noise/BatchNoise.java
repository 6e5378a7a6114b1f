package dev.easel.engine.noise;

import java.util.Arrays;

/** One {@link TorchGenerator} per image, seeded from that image's seed. */
public final class BatchNoise implements NoiseSource {
  private final TorchGenerator[] generators;

  /** One image per seed, in batch order. */
  public BatchNoise(long... seeds) {
    if (seeds.length == 0) {
      throw new IllegalArgumentException("at least one seed is needed");
    }
    generators = Arrays.stream(seeds).mapToObj(TorchGenerator::new).toArray(TorchGenerator[]::new);
  }

  @Override
  public int batchSize() {
    return generators.length;
  }

  @Override
  public void fill(float[] out) {
    if (out.length % generators.length != 0) {
      throw new IllegalArgumentException(
          "a tensor of "
              + out.length
              + " values does not split into "
              + generators.length
              + " images");
    }
    int perItem = out.length / generators.length;
    for (int k = 0; k < generators.length; k++) {
      generators[k].fillRandn(out, k * perItem, perItem);
    }
  }
}
