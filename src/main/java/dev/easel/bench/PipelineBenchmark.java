package dev.easel.bench;

import dev.easel.engine.Cancellation;
import dev.easel.engine.GenerationRequest;
import dev.easel.engine.ImageGenerator;
import dev.easel.engine.ProgressListener;
import dev.easel.image.ImageEncoder;
import dev.easel.image.OutputFormat;
import dev.easel.runtime.OnnxSession;
import java.util.List;

/** End-to-end generation timings of a loaded model, split into ONNX Runtime time and the rest. */
public final class PipelineBenchmark {
  private PipelineBenchmark() {}

  /**
   * One measured configuration.
   *
   * @param seconds wall time of generate() plus PNG encoding of every image
   * @param onnxSeconds of which inside ONNX Runtime
   */
  public record Run(int size, int steps, int n, double seconds, double onnxSeconds) {
    public double imagesPerSecond() {
      return n / seconds;
    }

    public double outsideOnnxFraction() {
      return (seconds - onnxSeconds) / seconds;
    }
  }

  /** Best of {@code repeat} runs (after one warm-up). */
  public static Run run(ImageGenerator generator, int size, int steps, int n, int repeat) {
    GenerationRequest request =
        new GenerationRequest(
            GenerationRequest.Mode.TEXT_TO_IMAGE,
            "a photograph of an astronaut riding a horse",
            null,
            size,
            size,
            n,
            1L,
            steps,
            null,
            null,
            null,
            List.of(),
            null,
            0);
    once(generator, request);
    Run best = null;
    for (int i = 0; i < repeat; i++) {
      long onnx0 = OnnxSession.totalRunNanos();
      long t0 = System.nanoTime();
      once(generator, request);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double onnx = (OnnxSession.totalRunNanos() - onnx0) / 1e9;
      Run r = new Run(size, steps, n, seconds, onnx);
      if (best == null || r.seconds() < best.seconds()) {
        best = r;
      }
    }
    return best;
  }

  private static void once(ImageGenerator generator, GenerationRequest request) {
    generator
        .generate(request, ProgressListener.NONE, new Cancellation())
        .images()
        .forEach(img -> ImageEncoder.encode(img.image(), OutputFormat.PNG));
  }
}
