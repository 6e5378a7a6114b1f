package dev.easel.cli;

import dev.easel.config.Config;
import dev.easel.config.ConfigException;
import dev.easel.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root of the command tree: global options and the list of subcommands. */
@Command(
    name = "easel",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Self-hosted image generation that speaks the OpenAI Images API.",
    subcommands = {
      CommandLine.HelpCommand.class,
      ServeCommand.class,
      TokenizeCommand.class,
      BenchCommand.class,
      ExportOnnxCommand.class,
      RandomModelCommand.class,
      GenerateCommand.class,
      EditCommand.class,
      VaryCommand.class,
      PullCommand.class,
      ModelsCommand.class,
      ImportCommand.class,
    },
    usageHelpAutoWidth = true)
public final class EaselCommand implements Runnable {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "YAML configuration file (default: ./easel.yaml when present).")
  Path configFile;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Log debug details.")
  boolean verbose;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      scope = ScopeType.INHERIT,
      description = "Override one configuration key, e.g. --set server.port=9000.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private Config config;
  private Path configFileUsed;

  /** The command line with Easel's error handling: usage errors exit 2, failures exit 1. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new EaselCommand());
    cl.setExecutionStrategy(EaselCommand::execute);
    cl.setExecutionExceptionHandler(new FailureHandler());
    cl.setParameterExceptionHandler(EaselCommand::usageError);
    return cl;
  }

  private static int execute(CommandLine.ParseResult parseResult) {
    if (CommandLine.printHelpIfRequested(parseResult)) {
      return CommandLine.ExitCode.OK;
    }
    EaselCommand root = parseResult.commandSpec().root().commandLine().getCommand();
    try {
      Logging.configure(root.config().get(Settings.LOG_LEVEL));
    } catch (ConfigException e) {
      throw new CommandLine.ExecutionException(
          parseResult.commandSpec().commandLine(), e.getMessage(), e);
    }
    LoggerFactory.getLogger(EaselCommand.class)
        .debug(
            "configuration file: {}", root.configFileUsed == null ? "none" : root.configFileUsed);
    return new CommandLine.RunLast().execute(parseResult);
  }

  /** Configuration from file, environment and flags, loaded once on first use. */
  public Config config() {
    if (config == null) {
      Path file = configFile;
      if (file == null && java.nio.file.Files.isRegularFile(Path.of("easel.yaml"))) {
        file = Path.of("easel.yaml");
      }
      Map<String, String> flags = new LinkedHashMap<>(overrides);
      if (verbose) {
        flags.put("log.level", "debug");
      }
      config = Config.load(file, System.getenv(), flags);
      configFileUsed = file;
    }
    return config;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    String message = e.getMessage();
    if (e instanceof CommandLine.UnmatchedArgumentException u
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      message = "unknown command '" + u.getUnmatched().get(0) + "'";
    }
    cl.getErr().println("easel: error: " + message);
    CommandLine.UnmatchedArgumentException.printSuggestions(e, cl.getErr());
    cl.getErr().println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
    return CommandLine.ExitCode.USAGE;
  }

  /** Prints a failure as one line on stderr; the stack trace only with --verbose. */
  private static final class FailureHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
      EaselCommand root = cl.getCommandSpec().root().commandLine().getCommand();
      if (root.verbose) {
        e.printStackTrace(cl.getErr());
      }
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      cl.getErr().println("easel: error: " + message);
      return e instanceof ConfigException || e instanceof UsageException
          ? CommandLine.ExitCode.USAGE
          : CommandLine.ExitCode.SOFTWARE;
    }
  }
}
