package dev.easel.api;

import dev.easel.engine.ImageGenerator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The loaded models the server can use, by name. */
public interface ModelDirectory {
  /** Names of the loaded models, the default one first. */
  List<String> names();

  Optional<ImageGenerator> get(String name);

  /** A directory of the given generators, keyed by {@link ImageGenerator#name()}. */
  static ModelDirectory of(List<ImageGenerator> generators) {
    Map<String, ImageGenerator> byName = new LinkedHashMap<>();
    for (ImageGenerator g : generators) {
      if (byName.putIfAbsent(g.name(), g) != null) {
        throw new IllegalArgumentException("two models are named " + g.name());
      }
    }
    return new ModelDirectory() {
      @Override
      public List<String> names() {
        return List.copyOf(byName.keySet());
      }

      @Override
      public Optional<ImageGenerator> get(String name) {
        return Optional.ofNullable(byName.get(name));
      }
    };
  }

  static ModelDirectory empty() {
    return of(List.of());
  }
}
