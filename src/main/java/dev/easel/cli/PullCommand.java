package dev.easel.cli;

import dev.easel.config.Config;
import dev.easel.config.Settings;
import dev.easel.hub.HubException;
import dev.easel.hub.HubOptions;
import dev.easel.hub.HubUnreachableException;
import dev.easel.hub.ModelPuller;
import dev.easel.hub.ProgressPrinter;
import dev.easel.hub.RepoRef;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
  /** Not a static field: picocli loads every subcommand before {@link Logging} is configured. */
  private static Logger log() {
    return LoggerFactory.getLogger(PullCommand.class);
  }

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

  /**
   * First run of {@code easel serve} with no model configured: pulls {@code hub.default-model}
   * (stabilityai/sd-turbo) and returns it as the model to load. When it cannot be had (offline, Hub
   * unreachable, refused), says what is missing and how to get it, and returns no model: the server
   * starts anyway and answers image requests with 503.
   */
  static List<String> firstRunModel(Config config, PrintWriter err) {
    String name = config.get(Settings.HUB_DEFAULT_MODEL);
    if (name.isEmpty()) {
      return List.of();
    }
    RepoRef ref;
    try {
      ref = RepoRef.parse(name);
    } catch (IllegalArgumentException e) {
      throw new UsageException("hub.default-model: " + e.getMessage());
    }
    log().info("no model configured (server.models, --model): using the default model {}", ref);
    try {
      pull(ref, config, err);
      return List.of(name);
    } catch (HubException e) {
      log()
          .warn(
              "cannot get the default model: {}{} Starting without a model: image requests answer 503"
                  + " until one is configured and the server restarted.",
              e.getMessage(),
              e instanceof HubUnreachableException
                  ? ""
                  : " Fix the cause, or: " + ModelPuller.missing(ref, HubOptions.of(config)));
      return List.of();
    }
  }

  /** Pulls with a progress bar on an interactive terminal, one line per file otherwise. */
  static Path pull(RepoRef ref, Config config, PrintWriter err) {
    boolean interactive = System.console() != null && config.getBoolean(Settings.CLI_PROGRESS);
    return new ModelPuller(HubOptions.of(config), new ProgressPrinter(err, interactive)).pull(ref);
  }
}
