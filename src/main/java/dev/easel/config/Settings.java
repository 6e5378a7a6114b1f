package dev.easel.config;

import static dev.easel.config.Setting.Type.BOOLEAN;
import static dev.easel.config.Setting.Type.INT;
import static dev.easel.config.Setting.Type.PATH;
import static dev.easel.config.Setting.Type.STRING;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every configuration key Easel knows, in one place; the README's table is generated from it. */
public final class Settings {
  public static final Setting LOG_LEVEL =
      Setting.oneOf(
          "log.level",
          "info",
          List.of("error", "warn", "info", "debug", "trace"),
          "Log verbosity.");
  public static final Setting SERVER_HOST =
      Setting.of("server.host", STRING, "127.0.0.1", "Address the HTTP server binds to.");
  public static final Setting SERVER_PORT =
      Setting.of("server.port", INT, "8080", "Port of the HTTP server.");
  public static final Setting RUNTIME_DEVICE =
      Setting.oneOf(
          "runtime.device", "cpu", List.of("cpu", "cuda"), "ONNX Runtime execution provider.");
  public static final Setting RUNTIME_THREADS =
      Setting.of(
          "runtime.threads",
          INT,
          "0",
          "Intra-op threads per ONNX Runtime session; 0 uses every core.");
  public static final Setting MODELS_DIR =
      Setting.of(
          "models.dir", PATH, "", "Folder holding local models; empty uses ~/.cache/easel/models.");
  public static final Setting CLI_PROGRESS =
      Setting.of("cli.progress", BOOLEAN, "true", "Draw progress bars on an interactive terminal.");

  private static final Map<String, Setting> ALL = new LinkedHashMap<>();

  static {
    for (Setting s :
        List.of(
            LOG_LEVEL,
            SERVER_HOST,
            SERVER_PORT,
            RUNTIME_DEVICE,
            RUNTIME_THREADS,
            MODELS_DIR,
            CLI_PROGRESS)) {
      ALL.put(s.key(), s);
    }
  }

  private Settings() {}

  public static List<Setting> all() {
    return List.copyOf(ALL.values());
  }

  public static Optional<Setting> find(String key) {
    return Optional.ofNullable(ALL.get(key));
  }
}
