package dev.easel.cli;

import dev.easel.image.OutputFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by {@code generate}, {@code edit} and {@code vary}. */
final class GenerationOptions {
  @Option(
      names = {"-m", "--model"},
      required = true,
      paramLabel = "DIR|NAME",
      description = "Model folder (diffusers layout), or a model name under models.dir.")
  String model;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "Output file: .png (with the generation parameters), .jpg/.jpeg or .webp; with --n > 1,"
              + " FILE-1.png … FILE-N.png (default: easel-SEED.png).")
  Path output;

  @Option(
      names = "--n",
      defaultValue = "1",
      description = "Number of images (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--size", paramLabel = "WxH", description = "Output size, e.g. 512x512.")
  String size;

  @Option(names = "--steps", description = "Denoising steps (default: the model's).")
  Integer steps;

  @Option(names = "--guidance", description = "Classifier-free guidance scale (≤ 1 turns it off).")
  Double guidance;

  @Option(names = "--seed", description = "Seed of the first image (image k uses seed + k).")
  Long seed;

  @Option(
      names = "--scheduler",
      description = "ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras, lcm (default: the model's).")
  String scheduler;

  @Option(names = "--negative", paramLabel = "TEXT", description = "Negative prompt.")
  String negative;

  /** Parses {@code --size}, or returns null when absent. */
  int[] parsedSize() {
    if (size == null) {
      return null;
    }
    String[] p = size.toLowerCase(java.util.Locale.ROOT).split("x");
    try {
      if (p.length == 2) {
        return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--size must look like 512x512, got '" + size + "'");
  }

  void check() {
    if (n < 1 || n > 16) {
      throw new UsageException("--n must be between 1 and 16, got " + n);
    }
    if (output != null && Files.isDirectory(output)) {
      throw new UsageException("--output " + output + " is a directory; name a file in it");
    }
    outputFormat();
  }

  /** The format {@code --output}'s extension names; PNG without one. */
  OutputFormat outputFormat() {
    String name = output == null ? "" : output.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (dot <= 0) {
      return OutputFormat.PNG;
    }
    String extension = name.substring(dot + 1);
    try {
      return OutputFormat.fromApiName(extension);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--output "
              + output
              + ": unknown image extension '."
              + extension
              + "'; use .png, .jpg,"
              + " .jpeg or .webp");
    }
  }
}
