package dev.easel.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The API keys the server accepts, held as SHA-256 hashes (lower-case hex) so the configuration
 * never contains a key itself. With no hashes configured, authentication is off.
 */
public final class ApiKeys {
  private final Set<String> hashes;

  public ApiKeys(List<String> hashes) {
    for (String h : hashes) {
      if (!h.matches("(?i)[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "an API key hash must be 64 hex digits (SHA-256), got '" + h + "'");
      }
    }
    this.hashes =
        hashes.stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  public boolean enabled() {
    return !hashes.isEmpty();
  }

  /** SHA-256 of the key's UTF-8 bytes, in lower-case hex: the value to put in the configuration. */
  public static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /**
   * Checks an {@code Authorization} header and returns who is calling (the key's hash, or {@code
   * anonymous} when authentication is off).
   *
   * @throws ApiException 401 when a key is required and missing or wrong
   */
  public String authenticate(String authorization) {
    if (!enabled()) {
      return "anonymous";
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiException.of(
          ApiException.Kind.UNAUTHORIZED,
          "You didn't provide an API key. You need to provide your API key in an Authorization"
              + " header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          null,
          null);
    }
    String key = authorization.substring(7).trim();
    String hash = hash(key);
    boolean known = false;
    for (String h : hashes) {
      known |=
          MessageDigest.isEqual(
              h.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
    }
    if (!known) {
      throw ApiException.of(
          ApiException.Kind.UNAUTHORIZED,
          "Incorrect API key provided: " + redact(key) + ".",
          null,
          "invalid_api_key");
    }
    return hash;
  }

  private static String redact(String key) {
    return key.length() <= 8
        ? "****"
        : key.substring(0, 3) + "****" + key.substring(key.length() - 4);
  }
}
