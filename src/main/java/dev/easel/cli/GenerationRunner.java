package dev.easel.cli;

import dev.easel.config.Config;
import dev.easel.config.Settings;
import dev.easel.engine.Cancellation;
import dev.easel.engine.GeneratedImage;
import dev.easel.engine.GenerationRequest;
import dev.easel.engine.GenerationResult;
import dev.easel.engine.ImageGenerator;
import dev.easel.engine.ModelCapabilities;
import dev.easel.engine.ProgressListener;
import dev.easel.engine.StableDiffusionLoader;
import dev.easel.hub.ModelLocator;
import dev.easel.image.DecodedImage;
import dev.easel.image.GenerationParameters;
import dev.easel.image.ImageDecoder;
import dev.easel.image.ImageEncoder;
import dev.easel.image.RgbaImage;
import dev.easel.runtime.ThreadPriority;
import dev.easel.store.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What generate, edit and vary share: load the model, run with a progress bar, write PNGs. */
final class GenerationRunner {
  private GenerationRunner() {}

  static RgbaImage readImage(Path file, String option) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UsageException(option + ": no such file " + file);
    } catch (IOException e) {
      throw new UsageException(option + ": cannot read " + file + ": " + e.getMessage());
    }
    try {
      DecodedImage d = ImageDecoder.decode(bytes);
      return d.image();
    } catch (RuntimeException e) {
      throw new UsageException(option + ": " + file + ": " + e.getMessage());
    }
  }

  /** Runs the request and writes one PNG per image; returns the files written. */
  static List<Path> run(
      Config config,
      GenerationOptions o,
      GenerationRequest.Mode mode,
      String prompt,
      List<RgbaImage> images,
      RgbaImage mask,
      Double strength,
      int[] defaultSize,
      PrintWriter out,
      PrintWriter err) {
    o.check();
    int[] size = o.parsedSize();
    Path modelDir = ModelLocator.resolve(o.model, config);
    ModelCapabilities caps = StableDiffusionLoader.capabilities(modelDir, Engines.options(config));
    if (size == null) {
      size =
          defaultSize != null
              ? fitTo(defaultSize, caps.sizeMultiple())
              : new int[] {caps.nativeSize(), caps.nativeSize()};
    }
    GenerationRequest request =
        new GenerationRequest(
            mode,
            prompt,
            o.negative,
            size[0],
            size[1],
            o.n,
            o.seed,
            o.steps,
            o.guidance,
            strength,
            o.scheduler,
            images,
            mask,
            0);
    try {
      caps.check(request);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    try (ImageGenerator generator = Engines.load(modelDir, config)) {
      ProgressBar bar = new ProgressBar(err, config.getBoolean(Settings.CLI_PROGRESS));
      GenerationResult result;
      try {
        result =
            ThreadPriority.onLoweredThread(
                config.getInt(Settings.RUNTIME_NICE),
                () -> generator.generate(request, bar, new Cancellation()));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      } finally {
        bar.finish();
      }
      List<Path> written = new ArrayList<>();
      for (int k = 0; k < result.images().size(); k++) {
        GeneratedImage img = result.images().get(k);
        Path file = outputFile(o.output, img.seed(), k, result.images().size());
        GenerationParameters params =
            new GenerationParameters(
                prompt,
                o.negative,
                o.steps == null ? caps.defaultSteps() : o.steps,
                result.sampler(),
                guidance(o, mode, caps),
                img.seed(),
                size[0],
                size[1],
                generator.name(),
                Map.of());
        Map<String, String> chunks = new LinkedHashMap<>();
        chunks.put(GenerationParameters.PNG_KEYWORD, params.format());
        writeAtomically(
            file,
            ImageEncoder.encode(
                img.image(), o.outputFormat(), ImageEncoder.DEFAULT_OUTPUT_COMPRESSION, chunks));
        out.println(file + " (seed " + img.seed() + ")");
        written.add(file);
      }
      if (result.promptChunked()) {
        err.println(
            "note: the prompt has "
                + result.promptTokens()
                + " tokens; it was encoded in 75-token chunks");
      }
      return written;
    }
  }

  /** The guidance scale used: variations run without guidance unless one is asked for. */
  private static double guidance(
      GenerationOptions o, GenerationRequest.Mode mode, ModelCapabilities caps) {
    if (o.guidance != null) {
      return o.guidance;
    }
    return mode == GenerationRequest.Mode.VARIATION ? 1 : caps.defaultGuidance();
  }

  /** Largest size not above {@code size} whose sides are multiples of {@code multiple}. */
  private static int[] fitTo(int[] size, int multiple) {
    return new int[] {
      Math.max(multiple, size[0] / multiple * multiple),
      Math.max(multiple, size[1] / multiple * multiple)
    };
  }

  private static Path outputFile(Path output, long seed, int k, int n) {
    if (output == null) {
      return Path.of("easel-" + seed + ".png");
    }
    if (n == 1) {
      return output;
    }
    String name = output.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : ".png";
    return output.resolveSibling(stem + "-" + (k + 1) + ext);
  }

  static void writeAtomically(Path file, byte[] bytes) {
    try {
      AtomicFiles.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Draws {@code [#####.....] 3/20 1.2 s/step} on an interactive terminal. */
  private static final class ProgressBar implements ProgressListener {
    private final PrintWriter err;
    private final boolean enabled;
    private boolean drawn;

    ProgressBar(PrintWriter err, boolean enabled) {
      this.err = err;
      this.enabled = enabled && System.console() != null;
    }

    @Override
    public void onStep(int step, int total, long elapsedNanos) {
      if (!enabled) {
        return;
      }
      int width = 30;
      int filled = step * width / total;
      double perStep = elapsedNanos / 1e9 / step;
      err.printf(
          "\r[%s%s] %d/%d %.2f s/step ",
          "#".repeat(filled), ".".repeat(width - filled), step, total, perStep);
      err.flush();
      drawn = true;
    }

    void finish() {
      if (drawn) {
        err.println();
      }
    }
  }
}
