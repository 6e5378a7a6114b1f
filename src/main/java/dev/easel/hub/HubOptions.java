package dev.easel.hub;

import dev.easel.config.Config;
import dev.easel.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where models come from and where they are kept, with the Hugging Face environment variables read
 * in this one place: {@code HF_ENDPOINT}, {@code HF_HOME}, {@code HF_HUB_CACHE}, {@code HF_TOKEN}
 * (or the token file {@code huggingface-cli login} writes), {@code HF_HUB_OFFLINE}. Configuration
 * keys ({@code hub.*}) win over the environment.
 *
 * @param token the access token, empty when none is configured
 */
public record HubOptions(URI endpoint, Path cacheDir, Optional<String> token, boolean offline) {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  private static final Set<String> TRUE = Set.of("1", "on", "yes", "true");

  public HubOptions {
    String e = endpoint.toString();
    if (e.endsWith("/")) {
      endpoint = URI.create(e.substring(0, e.length() - 1));
    }
  }

  /** The options of this process: configuration, then the real environment. */
  public static HubOptions of(Config config) {
    return from(config, System.getenv());
  }

  public static HubOptions from(Config config, Map<String, String> env) {
    String endpoint = first(config.get(Settings.HUB_ENDPOINT), env.get("HF_ENDPOINT"));
    Path home = hfHome(env);
    String cache =
        first(
            config.get(Settings.HUB_CACHE_DIR),
            env.get("HF_HUB_CACHE"),
            env.get("HUGGINGFACE_HUB_CACHE"));
    boolean offline =
        config.getBoolean(Settings.HUB_OFFLINE)
            || TRUE.contains(env.getOrDefault("HF_HUB_OFFLINE", "").toLowerCase(Locale.ROOT));
    Optional<String> token = Optional.ofNullable(first(env.get("HF_TOKEN")));
    if (token.isEmpty()) {
      String tokenPath = first(env.get("HF_TOKEN_PATH"));
      token = readToken(tokenPath != null ? Path.of(tokenPath) : home.resolve("token"));
    }
    URI uri;
    try {
      uri = URI.create(endpoint == null ? DEFAULT_ENDPOINT : endpoint);
    } catch (IllegalArgumentException e) {
      throw new HubException("invalid hub endpoint '" + endpoint + "': " + e.getMessage());
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new HubException(
          "invalid hub endpoint '" + endpoint + "' (expected e.g. https://huggingface.co)");
    }
    return new HubOptions(
        uri, cache != null ? Path.of(cache) : home.resolve("hub"), token, offline);
  }

  private static Path hfHome(Map<String, String> env) {
    String home = first(env.get("HF_HOME"));
    if (home != null) {
      return Path.of(home);
    }
    String xdg = first(env.get("XDG_CACHE_HOME"));
    return xdg != null
        ? Path.of(xdg, "huggingface")
        : Path.of(System.getProperty("user.home"), ".cache", "huggingface");
  }

  private static Optional<String> readToken(Path file) {
    try {
      return Files.isRegularFile(file)
          ? Optional.ofNullable(first(Files.readString(file, StandardCharsets.UTF_8).strip()))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }

  public HubOptions withToken(String t) {
    return new HubOptions(endpoint, cacheDir, Optional.ofNullable(t), offline);
  }

  public HubOptions withOffline(boolean o) {
    return new HubOptions(endpoint, cacheDir, token, o);
  }

  @Override
  public String toString() {
    return "HubOptions[endpoint="
        + endpoint
        + ", cacheDir="
        + cacheDir
        + ", token="
        + (token.isPresent() ? "set" : "none")
        + ", offline="
        + offline
        + "]";
  }
}
