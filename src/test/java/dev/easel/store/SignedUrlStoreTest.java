package dev.easel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignedUrlStoreTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-03-01T10:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();

  private static String query(String url, String key) {
    for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
      if (pair.startsWith(key + "=")) {
        return pair.substring(key.length() + 1);
      }
    }
    return null;
  }

  private static String name(String url) {
    return url.substring("/files/".length(), url.indexOf('?'));
  }

  @Test
  void signedUrlOpensItsFileUntilItExpires(@TempDir Path dir) throws Exception {
    SignedUrlStore store = new SignedUrlStore(dir, SECRET, Duration.ofMinutes(60), clock);
    String url = store.put(new byte[] {1, 2, 3}, "png");
    assertThat(url).matches("/files/[0-9a-f-]{36}\\.png\\?expires=\\d+&signature=[A-Za-z0-9_-]+");
    assertThat(query(url, "expires"))
        .isEqualTo(Long.toString(now.get().plusSeconds(3600).getEpochSecond()));
    Path file = store.open(name(url), query(url, "expires"), query(url, "signature"));
    assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    try (var files = Files.list(dir)) {
      assertThat(files).hasSize(1);
    }

    now.set(now.get().plus(Duration.ofMinutes(60)));
    assertThatThrownBy(() -> store.open(name(url), query(url, "expires"), query(url, "signature")))
        .isInstanceOfSatisfying(
            SignedUrlStore.RejectedException.class,
            e -> assertThat(e.rejection()).isEqualTo(SignedUrlStore.Rejection.EXPIRED));
    assertThat(store.deleteExpired()).isEqualTo(1);
    assertThat(Files.exists(file)).isFalse();
  }

  @Test
  void tamperingIsNotFound(@TempDir Path dir) {
    SignedUrlStore store = new SignedUrlStore(dir, SECRET, Duration.ofMinutes(60), clock);
    String url = store.put(new byte[] {1}, "jpg");
    String name = name(url);
    String expires = query(url, "expires");
    String signature = query(url, "signature");
    String later = Long.toString(Long.parseLong(expires) + 3600);
    for (String[] attempt :
        new String[][] {
          {name, expires, signature.substring(1) + "A"},
          {name, later, signature},
          {(name.charAt(0) == 'f' ? "e" : "f") + name.substring(1), expires, signature},
          {"../../etc/passwd", expires, signature},
          {name, "soon", signature},
          {name, expires, null}
        }) {
      assertThatThrownBy(() -> store.open(attempt[0], attempt[1], attempt[2]))
          .isInstanceOfSatisfying(
              SignedUrlStore.RejectedException.class,
              e -> assertThat(e.rejection()).isEqualTo(SignedUrlStore.Rejection.NOT_FOUND));
    }
    SignedUrlStore otherKey =
        new SignedUrlStore(
            dir, "another-secret-of-32-bytes-long!".getBytes(), Duration.ofMinutes(60), clock);
    assertThatThrownBy(() -> otherKey.open(name, expires, signature))
        .isInstanceOf(SignedUrlStore.RejectedException.class);
  }

  @Test
  void freshFilesAreKeptByTheSweep(@TempDir Path dir) {
    SignedUrlStore store = new SignedUrlStore(dir, SECRET, Duration.ofMinutes(60), clock);
    store.put(new byte[] {1}, "webp");
    now.set(now.get().plus(Duration.ofMinutes(59)));
    assertThat(store.deleteExpired()).isZero();
  }

  @Test
  void shortSecretsAreRefused(@TempDir Path dir) {
    assertThatThrownBy(() -> new SignedUrlStore(dir, new byte[8], Duration.ofMinutes(1), clock))
        .hasMessageContaining("16 bytes");
  }
}
