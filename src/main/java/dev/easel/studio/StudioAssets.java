package dev.easel.studio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The studio's static files (HTML, CSS, ES modules, icons), read from the class path under {@code
 * dev/easel/studio/} so they ship inside the jar. Only flat names with a known extension are
 * served, which rules out paths into the rest of the class path.
 */
final class StudioAssets {
  private static final String ROOT = "/dev/easel/studio/";
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+\\.(html|css|js|svg)");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "svg", "image/svg+xml");

  /** A file's bytes and media type. */
  record Asset(byte[] bytes, String contentType) {}

  private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

  /** The named file, or empty when there is none. */
  Optional<Asset> get(String name) {
    if (!NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return cache.computeIfAbsent(name, StudioAssets::read);
  }

  private static Optional<Asset> read(String name) {
    try (InputStream in = StudioAssets.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        return Optional.empty();
      }
      String extension = name.substring(name.lastIndexOf('.') + 1);
      return Optional.of(new Asset(in.readAllBytes(), TYPES.get(extension)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the studio file " + name, e);
    }
  }
}
