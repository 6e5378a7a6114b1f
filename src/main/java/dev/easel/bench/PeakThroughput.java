package dev.easel.bench;

import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.weights.RandomWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import java.util.Map;

/**
 * The machine's practical float32 peak: the best rate ONNX Runtime reaches on a large square matrix
 * product, the operation its convolutions and attention reduce to.
 */
public final class PeakThroughput {
  private PeakThroughput() {}

  /** GFLOP/s of the best of {@code repeats} runs of an n×n by n×n product. */
  public static double measureGflops(OnnxRuntimes runtimes, int n, int repeats) {
    RandomWeights weights = new RandomWeights(1);
    GraphBuilder g = new GraphBuilder("peak_matmul", weights);
    String a = g.input("a", (long) n, (long) n);
    g.output("c", g.matmul(a, g.weight("b", n, n)));
    FloatTensor input = new FloatTensor(new long[] {n, n}, new float[n * n]);
    java.util.Arrays.fill(input.data(), 0.5f);
    double flops = 2.0 * n * n * n;
    long best = Long.MAX_VALUE;
    try (OnnxSession s = runtimes.open(g.build())) {
      s.runSingle(Map.of("a", input));
      for (int i = 0; i < repeats; i++) {
        long t0 = System.nanoTime();
        s.runSingle(Map.of("a", input));
        best = Math.min(best, System.nanoTime() - t0);
      }
    }
    return flops / best;
  }
}
