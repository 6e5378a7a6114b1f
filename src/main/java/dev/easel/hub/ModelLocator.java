package dev.easel.hub;

import dev.easel.config.Config;
import dev.easel.config.Settings;
import dev.easel.model.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a model folder from what a user typed: a path, or a name under {@code models.dir}. */
public final class ModelLocator {
  private ModelLocator() {}

  public static Path modelsDir(Config config) {
    String dir = config.get(Settings.MODELS_DIR);
    return dir.isEmpty()
        ? Path.of(System.getProperty("user.home"), ".cache", "easel", "models")
        : Path.of(dir);
  }

  public static Path resolve(String nameOrPath, Config config) {
    Path direct = Path.of(nameOrPath);
    if (Files.isDirectory(direct)) {
      return direct;
    }
    Path named = modelsDir(config).resolve(nameOrPath);
    if (Files.isDirectory(named)) {
      return named;
    }
    throw new ModelException(
        "no model '"
            + nameOrPath
            + "': not a folder, and not in "
            + modelsDir(config)
            + " (make one with 'easel random-model DIR --arch tiny', or point --model at a"
            + " diffusers model folder)");
  }
}
