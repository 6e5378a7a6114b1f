package dev.easel.cli;

import dev.easel.bench.ComponentTiming;
import dev.easel.bench.PeakThroughput;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.vae.AutoencoderTiny;
import dev.easel.model.vae.AutoencoderTinyConfig;
import dev.easel.model.weights.RandomWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code easel bench}: the machine's peak and each component's forward speed at full size. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measure the CPU's float32 peak and each model component's forward time at full size"
            + " (random weights), as GFLOP/s and fraction of peak.")
public final class BenchCommand implements Runnable {
  @ParentCommand EaselCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--size", defaultValue = "512", description = "Image side in pixels.")
  int size;

  @Option(names = "--repeat", defaultValue = "3", description = "Timed runs per component (best).")
  int repeat;

  @Option(
      names = "--peak-size",
      defaultValue = "2048",
      description = "Side of the square matrices used to measure the peak.")
  int peakSize;

  @Override
  public void run() {
    if (size % 8 != 0 || size <= 0 || repeat <= 0 || peakSize <= 0) {
      throw new UsageException("--size must be a positive multiple of 8, --repeat positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.from(root.config()));
    double peak = PeakThroughput.measureGflops(runtimes, peakSize, Math.max(repeat, 5));
    out.printf(
        "peak: %.1f GFLOP/s (float32 %dx%d matmul, %d threads)%n",
        peak, peakSize, peakSize, runtimes.options().effectiveThreads());
    out.flush();
    List<ComponentTiming> timings = new ArrayList<>();
    int latent = size / 8;
    double scale = (size / 512.0) * (size / 512.0);
    timings.add(
        time(
            runtimes,
            "taesd_decoder",
            AutoencoderTiny.decoder(
                AutoencoderTinyConfig.sd(4),
                new RandomWeights(1),
                AutoencoderTiny.Layout.DIFFUSERS),
            Map.of(AutoencoderTiny.LATENT, FloatTensor.zeros(1, 4, latent, latent)),
            0.14 * scale,
            peak));
    out.println("| component | forward (s) | GFLOP/s | of peak |");
    out.println("|---|---|---|---|");
    for (ComponentTiming t : timings) {
      out.printf(
          "| %s | %.3f | %.1f | %.0f%% |%n",
          t.name(), t.seconds(), t.gflops(), 100 * t.fractionOfPeak());
    }
  }

  private ComponentTiming time(
      OnnxRuntimes runtimes,
      String name,
      OnnxGraph graph,
      Map<String, FloatTensor> inputs,
      double teraflops,
      double peak) {
    try (OnnxSession s = runtimes.open(graph)) {
      s.run(inputs);
      long best = Long.MAX_VALUE;
      for (int i = 0; i < repeat; i++) {
        long t0 = System.nanoTime();
        s.run(inputs);
        best = Math.min(best, System.nanoTime() - t0);
      }
      return new ComponentTiming(name, best / 1e9, teraflops, peak);
    }
  }
}
