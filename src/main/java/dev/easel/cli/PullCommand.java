package dev.easel.cli;

import dev.easel.config.Config;
import dev.easel.config.Settings;
import dev.easel.hub.HubOptions;
import dev.easel.hub.ModelPuller;
import dev.easel.hub.ProgressPrinter;
import dev.easel.hub.RepoRef;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code easel pull REPO[@REVISION]}: downloads a diffusers model into the Hugging Face cache. */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    description = {
      "Download a diffusers-layout model from the Hugging Face Hub into the shared Hugging Face"
          + " cache (only what Easel loads: configs, tokenizers, one safetensors variant per"
          + " component). Resumes interrupted downloads; files already cached are reused.",
      "Environment: HF_TOKEN (gated models), HF_ENDPOINT (mirror), HF_HOME / HF_HUB_CACHE"
          + " (cache folder), HF_HUB_OFFLINE=1 (cache only)."
    })
public final class PullCommand implements Runnable {
  @CommandLine.ParentCommand EaselCommand root;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "REPO[@REVISION]",
      description = "Repository id, e.g. stabilityai/sd-turbo or stabilityai/sd-turbo@main.")
  String repo;

  @Override
  public void run() {
    RepoRef ref;
    try {
      ref = RepoRef.parse(repo);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Path snapshot = pull(ref, root.config(), spec.commandLine().getErr());
    spec.commandLine().getOut().println("pulled " + ref + " to " + snapshot);
  }

  /** Pulls with a progress bar on an interactive terminal, one line per file otherwise. */
  static Path pull(RepoRef ref, Config config, PrintWriter err) {
    boolean interactive = System.console() != null && config.getBoolean(Settings.CLI_PROGRESS);
    return new ModelPuller(HubOptions.of(config), new ProgressPrinter(err, interactive)).pull(ref);
  }
}
