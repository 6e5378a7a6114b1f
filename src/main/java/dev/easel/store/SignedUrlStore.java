package dev.easel.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Generated files behind HMAC-signed URLs that expire. A file is written atomically (temporary
 * file, then move) and its URL carries its expiry time and an HMAC-SHA256 signature of name and
 * expiry; after the expiry the URL answers {@link Rejection#EXPIRED} and {@link #deleteExpired}
 * removes the file.
 */
public final class SignedUrlStore {
  /** Why a URL does not lead to a file. */
  public enum Rejection {
    /** Unknown file, bad signature or malformed URL. */
    NOT_FOUND,
    /** The signature is valid but the URL's time is over. */
    EXPIRED
  }

  /** A URL that leads nowhere. */
  public static final class RejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Rejection rejection;

    RejectedException(Rejection rejection, String message) {
      super(message);
      this.rejection = rejection;
    }

    public Rejection rejection() {
      return rejection;
    }
  }

  private static final Pattern NAME = Pattern.compile("[0-9a-f-]{36}\\.(png|jpg|webp)");
  private static final String TEMP_PREFIX = ".tmp-";

  private final Path dir;
  private final SecretKeySpec key;
  private final Duration ttl;
  private final Clock clock;

  /**
   * @param dir where files live (created when missing)
   * @param secret HMAC key; URLs signed with another key are rejected
   * @param ttl how long a URL stays valid
   * @param clock time source (injectable for tests)
   */
  public SignedUrlStore(Path dir, byte[] secret, Duration ttl, Clock clock) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("the URL signing secret needs at least 16 bytes");
    }
    this.dir = dir;
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.ttl = ttl;
    this.clock = clock;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the image store folder " + dir, e);
    }
  }

  public Duration ttl() {
    return ttl;
  }

  /**
   * Stores a file and returns its signed path and query, e.g. {@code /files/<name>?expires=<unix
   * seconds>&signature=<hmac>}, to be appended to the server's base URL.
   */
  public String put(byte[] data, String extension) {
    String name = UUID.randomUUID() + "." + extension;
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("unsupported extension " + extension);
    }
    try {
      Path temp = Files.createTempFile(dir, TEMP_PREFIX, ".part");
      Files.write(temp, data);
      Files.setLastModifiedTime(temp, FileTime.from(clock.instant()));
      try {
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, dir.resolve(name));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store a generated image in " + dir, e);
    }
    long expires = clock.instant().plus(ttl).getEpochSecond();
    return "/files/" + name + "?expires=" + expires + "&signature=" + sign(name, expires);
  }

  /**
   * The file a URL leads to.
   *
   * @throws RejectedException when the signature is wrong, the URL expired or the file is gone
   */
  public Path open(String name, String expires, String signature) {
    if (name == null || !NAME.matcher(name).matches() || expires == null || signature == null) {
      throw new RejectedException(Rejection.NOT_FOUND, "No such file.");
    }
    long expiry;
    try {
      expiry = Long.parseLong(expires);
    } catch (NumberFormatException e) {
      throw new RejectedException(Rejection.NOT_FOUND, "No such file.");
    }
    byte[] expected = sign(name, expiry).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
      throw new RejectedException(Rejection.NOT_FOUND, "No such file (bad signature).");
    }
    if (clock.instant().getEpochSecond() >= expiry) {
      throw new RejectedException(Rejection.EXPIRED, "This URL has expired.");
    }
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new RejectedException(Rejection.EXPIRED, "This file is no longer available.");
    }
    return file;
  }

  /** Deletes files whose URLs have expired (and stale temporary files); returns how many. */
  public int deleteExpired() {
    int deleted = 0;
    long cutoff = clock.instant().minus(ttl).toEpochMilli();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        boolean ours = NAME.matcher(name).matches() || name.startsWith(TEMP_PREFIX);
        if (ours && Files.getLastModifiedTime(file).toMillis() <= cutoff) {
          Files.deleteIfExists(file);
          deleted++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean the image store folder " + dir, e);
    }
    return deleted;
  }

  private String sign(String name, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] digest = mac.doFinal((name + "\n" + expires).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
