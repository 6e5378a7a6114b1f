package dev.easel.api;

import dev.easel.config.Config;
import dev.easel.config.Setting;
import dev.easel.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the HTTP server needs to know besides its models.
 *
 * @param host address to bind (already forced to loopback by the caller when needed)
 * @param port port, 0 for any free one
 * @param apiKeyHashes SHA-256 hashes of accepted keys; empty = no authentication
 * @param imagesPerMinute per-key image rate limit, 0 = none
 * @param queueSize generations that may wait for the worker
 * @param maxBodyBytes largest request body
 * @param maxInputPixels largest width × height of an uploaded image
 * @param maxGenerationPixels largest width × height a model generates at, 0 for 4 × its native area
 * @param aliases OpenAI model name to local model name
 * @param storeDir folder for files behind URLs
 * @param urlSecret HMAC key of image URLs
 * @param urlTtl how long image URLs stay valid
 * @param publicUrl base of returned URLs, or empty to use the request's Host
 * @param shutdownTimeout how long {@link EaselServer#stop()} waits for requests in flight
 * @param generationNice niceness of the generation worker thread (runtime.nice)
 * @param fetchImageUrls whether JSON edits' http(s) {@code image_url}s are downloaded
 */
public record ServerOptions(
    String host,
    int port,
    List<String> apiKeyHashes,
    int imagesPerMinute,
    int queueSize,
    long maxBodyBytes,
    long maxInputPixels,
    long maxGenerationPixels,
    AliasMap aliases,
    Path storeDir,
    byte[] urlSecret,
    Duration urlTtl,
    String publicUrl,
    Duration shutdownTimeout,
    int generationNice,
    boolean fetchImageUrls) {

  public ServerOptions {
    apiKeyHashes = List.copyOf(apiKeyHashes);
    urlSecret = urlSecret.clone();
  }

  /** Options from the configuration (host and port as configured). */
  public static ServerOptions from(Config config) {
    Map<String, String> aliases = new LinkedHashMap<>();
    for (Setting s : Settings.all()) {
      if (s.key().startsWith("aliases.") && !config.get(s).isEmpty()) {
        aliases.put(s.key().substring("aliases.".length()), config.get(s));
      }
    }
    String secret = config.get(Settings.STORE_URL_SECRET);
    byte[] key;
    if (secret.isEmpty()) {
      key = new byte[32];
      new SecureRandom().nextBytes(key);
    } else if (secret.length() < 16) {
      throw new dev.easel.config.ConfigException(
          "'store.url-secret' must have at least 16 characters");
    } else {
      key = secret.getBytes(StandardCharsets.UTF_8);
    }
    String dir = config.get(Settings.STORE_DIR);
    Path storeDir;
    try {
      storeDir = dir.isEmpty() ? Files.createTempDirectory("easel-images") : Path.of(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder for images", e);
    }
    return new ServerOptions(
        config.get(Settings.SERVER_HOST),
        config.getInt(Settings.SERVER_PORT),
        config.getList(Settings.SERVER_API_KEY_HASHES),
        config.getInt(Settings.SERVER_RATE_LIMIT),
        config.getInt(Settings.SERVER_QUEUE_SIZE),
        config.getInt(Settings.SERVER_MAX_BODY_MB) * 1024L * 1024L,
        config.getInt(Settings.SERVER_MAX_INPUT_PIXELS),
        config.getInt(Settings.SERVER_MAX_GENERATION_PIXELS),
        new AliasMap(aliases),
        storeDir,
        key,
        Duration.ofMinutes(config.getInt(Settings.STORE_URL_TTL_MINUTES)),
        config.get(Settings.SERVER_PUBLIC_URL),
        Duration.ofSeconds(config.getInt(Settings.SERVER_SHUTDOWN_TIMEOUT)),
        config.getInt(Settings.RUNTIME_NICE),
        config.getBoolean(Settings.SERVER_FETCH_IMAGE_URLS));
  }

  public ServerOptions withAddress(String host, int port) {
    return new ServerOptions(
        host,
        port,
        apiKeyHashes,
        imagesPerMinute,
        queueSize,
        maxBodyBytes,
        maxInputPixels,
        maxGenerationPixels,
        aliases,
        storeDir,
        urlSecret,
        urlTtl,
        publicUrl,
        shutdownTimeout,
        generationNice,
        fetchImageUrls);
  }
}
