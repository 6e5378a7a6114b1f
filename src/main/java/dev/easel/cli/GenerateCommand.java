package dev.easel.cli;

import dev.easel.engine.GenerationRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code easel generate}: text to image. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Generate images from a prompt.")
public final class GenerateCommand implements Runnable {
  @ParentCommand EaselCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin GenerationOptions options;

  @Parameters(index = "0", paramLabel = "PROMPT", description = "What to draw.")
  String prompt;

  @Override
  public void run() {
    GenerationRunner.run(
        root.config(),
        options,
        GenerationRequest.Mode.TEXT_TO_IMAGE,
        prompt,
        List.of(),
        null,
        null,
        null,
        spec.commandLine().getOut(),
        spec.commandLine().getErr());
  }
}
