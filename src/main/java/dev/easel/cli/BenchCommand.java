package dev.easel.cli;

import dev.easel.bench.ComponentBenchmark;
import dev.easel.bench.ComponentTiming;
import dev.easel.bench.MemoryUsage;
import dev.easel.bench.PeakThroughput;
import dev.easel.bench.PipelineBenchmark;
import dev.easel.engine.EngineOptions;
import dev.easel.engine.ImageGenerator;
import dev.easel.hub.ModelLocator;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.runtime.ThreadPriority;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code easel bench}: the machine's float32 peak, each component's forward speed at full size
 * (random weights, SD-Turbo shapes), and with {@code --model} a model's load time, memory and
 * end-to-end generation speed.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measure the CPU's float32 peak, each model component's forward time at full size (random"
            + " SD-Turbo-shaped weights) as GFLOP/s and fraction of peak, and with --model a"
            + " model's load time, peak memory and end-to-end speed.")
public final class BenchCommand implements Runnable {
  @ParentCommand EaselCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--size", defaultValue = "512", description = "Image side in pixels.")
  int size;

  @Option(
      names = "--repeat",
      defaultValue = "3",
      description = "Timed runs per measurement (best).")
  int repeat;

  @Option(
      names = "--peak-size",
      defaultValue = "2048",
      description = "Side of the square matrices used to measure the peak.")
  int peakSize;

  @Option(
      names = "--components",
      split = ",",
      paramLabel = "NAME",
      description =
          "Components to time: text_encoder, unet, vae_decoder, taesd_decoder (default: taesd_decoder).")
  List<String> components = List.of("taesd_decoder");

  @Option(
      names = "--model",
      paramLabel = "DIR|NAME",
      description = "Also load this model and time end-to-end generation (n = 1, 2, 4).")
  String model;

  @Option(names = "--steps", defaultValue = "1", description = "Steps for the end-to-end runs.")
  int steps;

  @Override
  public void run() {
    if (size % 8 != 0 || size <= 0 || repeat <= 0 || peakSize <= 0 || steps <= 0) {
      throw new UsageException(
          "--size must be a positive multiple of 8; --repeat, --steps and --peak-size positive");
    }
    for (String c : components) {
      if (!ComponentBenchmark.NAMES.contains(c)) {
        throw new UsageException(
            "unknown component '" + c + "'; known: " + String.join(", ", ComponentBenchmark.NAMES));
      }
    }
    EngineOptions engine = Engines.options(root.config());
    RuntimeOptions runtime = RuntimeOptions.from(root.config());
    // measured on a thread of the niceness generations run at, as `easel serve` runs them
    ThreadPriority.onLoweredThread(
        runtime.nice(),
        () -> {
          measure(engine, new OnnxRuntimes(runtime));
          return null;
        });
  }

  private void measure(EngineOptions engine, OnnxRuntimes runtimes) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    double peak = PeakThroughput.measureGflops(runtimes, peakSize, Math.max(repeat, 5));
    out.printf(
        "peak: %.1f GFLOP/s (float32 %dx%d matmul, %d threads)%n",
        peak, peakSize, peakSize, runtimes.options().effectiveThreads());
    out.println();
    out.println(
        "| component | size | forward (s) | GFLOP/s | of peak | weights (GB) | peak resident (GB) |");
    out.println("|---|---|---|---|---|---|---|");
    out.flush();
    for (String c : components) {
      ComponentTiming t =
          ComponentBenchmark.run(
              runtimes,
              c,
              size,
              repeat,
              engine,
              peak,
              line -> {
                err.println(line);
                err.flush();
              });
      out.printf(
          "| %s | %d² | %.3f | %.1f | %.0f%% | %.2f | %.2f |%n",
          t.name(),
          size,
          t.seconds(),
          t.gflops(),
          100 * t.fractionOfPeak(),
          t.weightBytes() / 1e9,
          t.peakResidentBytes() / 1e9);
      out.flush();
    }
    if (model != null) {
      pipeline(runtimes, out);
    }
    out.printf("%npeak resident memory: %.2f GB%n", MemoryUsage.peakResidentBytes() / 1e9);
  }

  private void pipeline(OnnxRuntimes runtimes, PrintWriter out) {
    long t0 = System.nanoTime();
    try (ImageGenerator g =
        Engines.load(ModelLocator.resolve(model, root.config()), root.config())) {
      out.printf(
          "%nmodel %s: loaded in %.1f s, resident %.2f GB%n",
          g.name(), (System.nanoTime() - t0) / 1e9, MemoryUsage.residentBytes() / 1e9);
      out.println();
      out.println("| size | steps | n | seconds | images/s | outside ONNX Runtime |");
      out.println("|---|---|---|---|---|---|");
      for (int n : new int[] {1, 2, 4}) {
        PipelineBenchmark.Run r = PipelineBenchmark.run(g, size, steps, n, repeat);
        out.printf(
            "| %d² | %d | %d | %.2f | %.2f | %.1f%% |%n",
            r.size(),
            r.steps(),
            r.n(),
            r.seconds(),
            r.imagesPerSecond(),
            100 * r.outsideOnnxFraction());
        out.flush();
      }
    }
  }
}
