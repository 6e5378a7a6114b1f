package dev.easel.cli;

import dev.easel.hub.HubOptions;
import dev.easel.hub.LocalModels;
import dev.easel.hub.LocalModels.LocalModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code easel models}: lists local models; {@code easel models rm NAME} removes one. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description =
        "List the models on this machine (models.dir and the Hugging Face cache): name,"
            + " architecture, size on disk, aliases that point at it, location.",
    subcommands = ModelsCommand.Remove.class)
public final class ModelsCommand implements Runnable {
  @CommandLine.ParentCommand EaselCommand root;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    List<LocalModel> models;
    try {
      models = new LocalModels(root.config(), HubOptions.of(root.config())).list();
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (models.isEmpty()) {
      out.println("no local models (download one with 'easel pull stabilityai/sd-turbo')");
      return;
    }
    int nameWidth = Math.max(4, models.stream().mapToInt(m -> m.name().length()).max().orElse(4));
    String format = "%-" + nameWidth + "s  %-12s %9s  %-20s %s%n";
    out.printf(Locale.ROOT, format, "NAME", "ARCHITECTURE", "SIZE", "ALIASES", "LOCATION");
    for (LocalModel m : models) {
      out.printf(
          Locale.ROOT,
          format,
          m.name(),
          m.architecture(),
          size(m.sizeBytes()),
          m.aliases().isEmpty() ? "-" : String.join(",", m.aliases()),
          m.path());
    }
  }

  static String size(long bytes) {
    double v = bytes;
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** {@code easel models rm NAME}. */
  @Command(
      name = "rm",
      mixinStandardHelpOptions = true,
      description =
          "Remove a local model: a models.dir folder, or a cached snapshot with its refs and the"
              + " blobs no other snapshot uses.")
  static final class Remove implements Runnable {
    @CommandLine.ParentCommand ModelsCommand parent;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "A name 'easel models' lists.")
    String name;

    @Option(names = "--force", description = "Remove it even when an alias points at it.")
    boolean force;

    @Override
    public void run() {
      LocalModels local =
          new LocalModels(parent.root.config(), HubOptions.of(parent.root.config()));
      try {
        LocalModel m = local.find(name);
        if (!m.aliases().isEmpty() && !force) {
          throw new UsageException(
              "'"
                  + m.name()
                  + "' is what aliases "
                  + String.join(", ", m.aliases())
                  + " point at; change them first, or use --force");
        }
        local.remove(m.name());
        spec.commandLine()
            .getOut()
            .println("removed " + m.name() + " (" + size(m.sizeBytes()) + ", " + m.path() + ")");
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
  }
}
