package dev.easel.cli;

import dev.easel.engine.GenerationRequest;
import dev.easel.image.RgbaImage;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code easel vary}: variations of an image, DALL·E 2 style (no prompt). */
@Command(
    name = "vary",
    mixinStandardHelpOptions = true,
    description =
        "Make variations of an image: same composition and subject, details varied by seed.")
public final class VaryCommand implements Runnable {
  @ParentCommand EaselCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin GenerationOptions options;

  @Option(names = "--image", required = true, paramLabel = "FILE", description = "Source image.")
  Path image;

  @Option(
      names = "--strength",
      description = "How far to move from the source, 0..1 (default 0.65).")
  Double strength;

  @Override
  public void run() {
    RgbaImage img = GenerationRunner.readImage(image, "--image");
    GenerationRunner.run(
        root.config(),
        options,
        GenerationRequest.Mode.VARIATION,
        "",
        List.of(img),
        null,
        strength,
        new int[] {img.width(), img.height()},
        spec.commandLine().getOut(),
        spec.commandLine().getErr());
  }
}
