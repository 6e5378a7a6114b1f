package dev.easel.hub;

import dev.easel.config.Config;
import dev.easel.config.Setting;
import dev.easel.config.Settings;
import dev.easel.model.Architecture;
import dev.easel.model.ModelFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The models on this machine: folders in {@code models.dir} and snapshots in the Hub cache. */
public final class LocalModels {
  /** Where a local model lives. */
  public enum Source {
    MODELS_DIR,
    HUB_CACHE
  }

  /**
   * One local model.
   *
   * @param name what {@code --model} accepts for it
   * @param architecture {@link Architecture#id()}, or {@code unknown} when the folder can't tell
   * @param commit the Hub commit (null for a models.dir folder)
   */
  public record LocalModel(
      String name,
      Path path,
      String architecture,
      long sizeBytes,
      Source source,
      String repo,
      String commit,
      List<String> aliases) {}

  private final Config config;
  private final HubOptions hub;

  public LocalModels(Config config, HubOptions hub) {
    this.config = config;
    this.hub = hub;
  }

  public List<LocalModel> list() throws IOException {
    List<LocalModel> out = new ArrayList<>();
    Path dir = ModelLocator.modelsDir(config);
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.sorted().toList()) {
          if (Files.isRegularFile(p.resolve(FileSelection.MODEL_INDEX))) {
            String name = p.getFileName().toString();
            out.add(
                new LocalModel(
                    name,
                    p,
                    architecture(p),
                    folderSize(p),
                    Source.MODELS_DIR,
                    null,
                    null,
                    aliasesOf(p)));
          }
        }
      }
    }
    HubCache cache = new HubCache(hub.cacheDir());
    for (HubCache.CachedRepo r : cache.repos()) {
      for (String commit : r.snapshots()) {
        Path snap = cache.snapshotDir(r.repo(), commit);
        if (!Files.isRegularFile(snap.resolve(FileSelection.MODEL_INDEX))) {
          continue;
        }
        out.add(
            new LocalModel(
                name(r, commit),
                snap,
                architecture(snap),
                cache.snapshotSize(r.repo(), commit),
                Source.HUB_CACHE,
                r.repo(),
                commit,
                aliasesOf(snap)));
      }
    }
    return out;
  }

  /** {@code repo} for the snapshot main points at, {@code repo@ref} or {@code repo@commit}. */
  private static String name(HubCache.CachedRepo r, String commit) {
    if (commit.equals(r.refs().get(RepoRef.DEFAULT_REVISION))) {
      return r.repo();
    }
    for (Map.Entry<String, String> e : r.refs().entrySet()) {
      if (e.getValue().equals(commit)) {
        return r.repo() + "@" + e.getKey();
      }
    }
    return r.repo() + "@" + commit;
  }

  /**
   * Removes a model by the name {@link #list()} gives it (or anything {@link ModelLocator} resolves
   * to one of those): a models.dir folder is deleted; a cached snapshot goes with its refs and the
   * blobs no other snapshot shares. Paths outside models.dir and the cache are never touched.
   */
  public LocalModel remove(String name) throws IOException {
    LocalModel target = find(name);
    if (target.source() == Source.MODELS_DIR) {
      HubCache.deleteTree(target.path());
    } else {
      new HubCache(hub.cacheDir()).removeSnapshot(target.repo(), target.commit());
    }
    return target;
  }

  public LocalModel find(String name) throws IOException {
    List<LocalModel> all = list();
    for (LocalModel m : all) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    Path resolved;
    try {
      resolved = ModelLocator.resolve(name, config, hub).toRealPath();
    } catch (RuntimeException e) {
      throw new HubException("no local model '" + name + "' (see 'easel models' for the names)", e);
    }
    for (LocalModel m : all) {
      if (m.path().toRealPath().equals(resolved)) {
        return m;
      }
    }
    throw new HubException(
        "'"
            + name
            + "' is "
            + resolved
            + ", which is neither in models.dir nor in the Hub cache: Easel removes only models it"
            + " manages");
  }

  /** The configured aliases (aliases.*) whose model resolves to this folder. */
  private List<String> aliasesOf(Path folder) throws IOException {
    Path real = folder.toRealPath();
    List<String> out = new ArrayList<>();
    for (Setting s : Settings.all()) {
      if (!s.key().startsWith("aliases.") || config.get(s).isEmpty()) {
        continue;
      }
      try {
        if (ModelLocator.resolve(config.get(s), config, hub).toRealPath().equals(real)) {
          out.add(s.key().substring("aliases.".length()));
        }
      } catch (RuntimeException | IOException unresolved) {
        // an alias naming a model that is not here does not belong to any listed model
      }
    }
    return out;
  }

  private static String architecture(Path folder) {
    try {
      return Architecture.detect(ModelFolder.open(folder)).id();
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  private static long folderSize(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      long total = 0;
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }
}
