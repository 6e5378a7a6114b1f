package dev.easel.hub;

import dev.easel.config.Config;
import dev.easel.config.Setting;
import dev.easel.config.Settings;
import dev.easel.model.ModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds a model folder from what a user typed, in this order: a folder path; a name under {@code
 * models.dir}; a configured alias ({@code aliases.dall-e-3: stabilityai/sd-turbo}); a Hub
 * repository id ({@code stabilityai/sd-turbo[@revision]}) whose snapshot is in the Hugging Face
 * cache; a repository's bare name ({@code sd-turbo}) when exactly one cached repository has it.
 * Nothing is downloaded here.
 */
public final class ModelLocator {
  private ModelLocator() {}

  public static Path modelsDir(Config config) {
    String dir = config.get(Settings.MODELS_DIR);
    return dir.isEmpty()
        ? Path.of(System.getProperty("user.home"), ".cache", "easel", "models")
        : Path.of(dir);
  }

  public static Path resolve(String nameOrPath, Config config) {
    return resolve(nameOrPath, config, HubOptions.of(config));
  }

  public static Path resolve(String nameOrPath, Config config, HubOptions hub) {
    return find(nameOrPath, config, hub, 0)
        .orElseThrow(
            () ->
                new ModelException(
                    "no model '"
                        + nameOrPath
                        + "': not a folder, not in "
                        + modelsDir(config)
                        + ", not an alias and not in the Hugging Face cache "
                        + hub.cacheDir()
                        + (RepoRef.looksLikeRepo(nameOrPath)
                            ? " (download it with 'easel pull " + nameOrPath + "')"
                            : " (see 'easel models'; download one with 'easel pull ORG/NAME',"
                                + " or point --model at a diffusers model folder)")));
  }

  private static Optional<Path> find(String name, Config config, HubOptions hub, int depth) {
    Path direct = Path.of(name);
    if (Files.isDirectory(direct)) {
      return Optional.of(direct);
    }
    Path named = modelsDir(config).resolve(name).normalize();
    if (named.startsWith(modelsDir(config).normalize()) && Files.isDirectory(named)) {
      return Optional.of(named);
    }
    Optional<Setting> alias = Settings.find("aliases." + name);
    if (alias.isPresent() && !config.get(alias.get()).isEmpty() && depth < 4) {
      return find(config.get(alias.get()), config, hub, depth + 1);
    }
    HubCache cache = new HubCache(hub.cacheDir());
    if (RepoRef.looksLikeRepo(name)) {
      RepoRef ref = RepoRef.parse(name);
      return cache.snapshot(ref.repo(), ref.revision());
    }
    try {
      List<Path> matches =
          cache.repos().stream()
              .filter(r -> r.repo().substring(r.repo().indexOf('/') + 1).equals(name))
              .map(r -> cache.snapshot(r.repo(), RepoRef.DEFAULT_REVISION))
              .flatMap(Optional::stream)
              .toList();
      return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
