package dev.easel.api;

import dev.easel.engine.ImageGenerator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The models the server can use, by name. */
public interface ModelDirectory extends AutoCloseable {
  /** Names of the models, the default one first. */
  List<String> names();

  /** Names of the models whose weights are in memory now. */
  default List<String> loaded() {
    return names();
  }

  Optional<ImageGenerator> get(String name);

  /** Closes the models it holds. */
  @Override
  void close();

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

      @Override
      public void close() {
        byName.values().forEach(ImageGenerator::close);
      }
    };
  }

  static ModelDirectory empty() {
    return of(List.of());
  }
}
