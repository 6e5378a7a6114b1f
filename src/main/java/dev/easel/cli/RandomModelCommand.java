package dev.easel.cli;

import dev.easel.model.Architecture;
import dev.easel.model.RandomModel;
import dev.easel.model.safetensors.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code easel random-model}: a diffusers-layout model folder with random weights. */
@Command(
    name = "random-model",
    mixinStandardHelpOptions = true,
    description =
        "Write a complete diffusers-layout model folder with random weights (for tests and"
            + " benchmarks): tiny, tiny-xl, sd15, sd21, sd-turbo, sdxl, sdxl-turbo.")
public final class RandomModelCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "OUT_DIR", description = "Folder to create.")
  Path out;

  @Option(names = "--arch", required = true, paramLabel = "NAME", description = "Architecture.")
  String arch;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the random weights.")
  long seed;

  @Option(
      names = "--dtype",
      defaultValue = "fp32",
      paramLabel = "fp16|fp32",
      description = "Storage type of the weights (fp16 files are named *.fp16.safetensors).")
  String dtype;

  @Option(names = "--inpainting", description = "A 9-channel inpainting UNet.")
  boolean inpainting;

  @Option(
      names = "--vocab",
      paramLabel = "DIR",
      description =
          "Folder with a real CLIP vocab.json and merges.txt (default: a small vocabulary).")
  Path vocab;

  @Override
  public void run() {
    Architecture a;
    try {
      a = Architecture.parse(arch);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    DType type =
        switch (dtype) {
          case "fp16" -> DType.F16;
          case "fp32" -> DType.F32;
          default -> throw new UsageException("--dtype must be fp16 or fp32, got '" + dtype + "'");
        };
    try {
      RandomModel.write(out, a, inpainting, seed, type, vocab);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    spec.commandLine().getOut().println("wrote " + a.id() + " model to " + out);
  }
}
