package dev.easel.cli;

import dev.easel.engine.GenerationRequest;
import dev.easel.image.Outpaint;
import dev.easel.image.RgbaImage;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code easel edit}: inpainting and outpainting with OpenAI's mask rule. */
@Command(
    name = "edit",
    mixinStandardHelpOptions = true,
    description =
        "Regenerate part of an image: the mask's fully transparent pixels (or, without --mask, the"
            + " image's own), or a border added with --extend (outpainting).")
public final class EditCommand implements Runnable {
  @ParentCommand EaselCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin GenerationOptions options;

  @Option(names = "--image", required = true, paramLabel = "FILE", description = "Image to edit.")
  Path image;

  @Option(
      names = "--mask",
      paramLabel = "FILE",
      description = "Mask: alpha 0 marks what to regenerate.")
  Path mask;

  @Option(
      names = "--extend",
      paramLabel = "L,T,R,B",
      split = ",",
      description = "Pixels to add left, top, right and bottom before editing (outpainting).")
  int[] extend;

  @Option(names = "--strength", description = "How much to change the region, 0..1 (default 1).")
  Double strength;

  @Parameters(index = "0", paramLabel = "PROMPT", description = "What the region should show.")
  String prompt;

  @Override
  public void run() {
    RgbaImage img = GenerationRunner.readImage(image, "--image");
    RgbaImage m = mask == null ? null : GenerationRunner.readImage(mask, "--mask");
    if (extend != null) {
      if (extend.length != 4 || java.util.Arrays.stream(extend).anyMatch(v -> v < 0)) {
        throw new UsageException("--extend takes four non-negative numbers: left,top,right,bottom");
      }
      img = Outpaint.extend(img, extend[0], extend[1], extend[2], extend[3]);
      if (m != null) {
        m = Outpaint.extend(m, extend[0], extend[1], extend[2], extend[3]);
      }
    }
    if (m != null && (m.width() != img.width() || m.height() != img.height())) {
      throw new UsageException(
          "--mask is "
              + m.width()
              + "x"
              + m.height()
              + " but --image is "
              + img.width()
              + "x"
              + img.height()
              + "; they must be the same size");
    }
    GenerationRunner.run(
        root.config(),
        options,
        GenerationRequest.Mode.INPAINT,
        prompt,
        List.of(img),
        m,
        strength,
        new int[] {img.width(), img.height()},
        spec.commandLine().getOut(),
        spec.commandLine().getErr());
  }
}
