package dev.easel.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Fetches one file into the cache's {@code blobs/} folder: appended to {@code ETAG.incomplete}
 * (resumed with an HTTP range when a previous attempt left one), checked against its size and hash
 * (sha256 for LFS files, the git blob sha1 for the others), then moved into place in one step. A
 * blob exists only when complete and verified; a file that fails the check is deleted. A lock file
 * keeps two processes from writing the same blob.
 */
final class BlobDownload {
  private static final int ATTEMPTS = 3;
  private static final int CHUNK = 1 << 16;

  private final HubClient client;
  private final HubCache cache;
  private final DownloadProgress progress;
  private final BooleanSupplier cancelled;

  BlobDownload(
      HubClient client, HubCache cache, DownloadProgress progress, BooleanSupplier cancelled) {
    this.client = client;
    this.cache = cache;
    this.progress = progress;
    this.cancelled = cancelled;
  }

  /** Makes sure the file's blob is in the cache; returns its path. */
  Path fetch(RepoRef ref, String commit, RemoteFile file) throws IOException {
    Path blob = cache.blob(ref.repo(), file.etag());
    if (Files.isRegularFile(blob)) {
      return blob;
    }
    Files.createDirectories(blob.getParent());
    Path lockFile =
        cache
            .root()
            .resolve(".locks")
            .resolve(cache.repoDir(ref.repo()).getFileName())
            .resolve(file.etag() + ".lock");
    Files.createDirectories(lockFile.getParent());
    try (FileChannel lockChannel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = lockChannel.lock();
      try {
        if (!Files.isRegularFile(blob)) {
          downloadWithRetries(ref, commit, file, blob);
        }
      } finally {
        lock.release();
      }
    }
    return blob;
  }

  private void downloadWithRetries(RepoRef ref, String commit, RemoteFile file, Path blob)
      throws IOException {
    Path part = cache.incomplete(ref.repo(), file.etag());
    long start = System.nanoTime();
    long fetched = 0;
    for (int attempt = 1; ; attempt++) {
      long offset = Files.isRegularFile(part) ? Files.size(part) : 0;
      if (offset > file.size()) {
        Files.delete(part);
        offset = 0;
      }
      try {
        if (offset < file.size()) {
          fetched += transfer(ref, commit, file, part, offset);
        } else {
          Files.write(part, new byte[0], StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        break;
      } catch (HubException | CancellationException e) {
        throw e;
      } catch (IOException e) {
        if (attempt == ATTEMPTS || cancelled.getAsBoolean()) {
          throw new HubException(
              "download of "
                  + file.path()
                  + " failed after "
                  + attempt
                  + " attempts ("
                  + e.getMessage()
                  + "); run the same command again to resume",
              e);
        }
      }
    }
    verify(file, part);
    Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE);
    progress.fileDone(file, fetched, System.nanoTime() - start);
  }

  /** Appends the file from {@code offset}; returns how many bytes arrived. */
  private long transfer(RepoRef ref, String commit, RemoteFile file, Path part, long offset)
      throws IOException {
    HttpResponse<InputStream> r = client.download(ref, commit, file.path(), offset);
    boolean resumed = r.statusCode() == 206;
    if (resumed) {
      String range = r.headers().firstValue("Content-Range").orElse("");
      if (!range.startsWith("bytes " + offset + "-")) {
        r.body().close();
        throw new HubException(
            "the Hub answered a resume of "
                + file.path()
                + " with the wrong range '"
                + range
                + "'");
      }
    }
    long from = resumed ? offset : 0;
    progress.fileStarted(file, from);
    long received = 0;
    try (InputStream in = r.body();
        OutputStream out =
            Files.newOutputStream(
                part,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] buf = new byte[CHUNK];
      long limit = file.size() - from;
      while (received < limit) {
        if (cancelled.getAsBoolean()) {
          throw new CancellationException("download of " + file.path() + " interrupted");
        }
        int n = in.read(buf, 0, (int) Math.min(buf.length, limit - received));
        if (n < 0) {
          break;
        }
        out.write(buf, 0, n);
        received += n;
        progress.bytes(n);
      }
    }
    if (from + received < file.size()) {
      throw new IOException(
          "connection closed after " + (from + received) + " of " + file.size() + " bytes");
    }
    return received;
  }

  private static void verify(RemoteFile file, Path part) throws IOException {
    long size = Files.size(part);
    String actual;
    String expected;
    if (file.sha256() != null) {
      actual = digest("SHA-256", null, part);
      expected = file.sha256();
    } else {
      actual = digest("SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII), part);
      expected = file.blobId();
    }
    if (size != file.size() || !actual.equalsIgnoreCase(expected)) {
      Files.deleteIfExists(part);
      throw new HubException(
          file.path()
              + ": downloaded content does not match the Hub's "
              + (size != file.size()
                  ? "size (" + size + " bytes, expected " + file.size() + ")"
                  : (file.sha256() != null ? "sha256" : "git hash")
                      + " ("
                      + actual
                      + ", expected "
                      + expected
                      + ")")
              + "; the file was discarded, try again (a proxy or mirror may be altering it)");
    }
  }

  private static String digest(String algorithm, byte[] prefix, Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (prefix != null) {
      md.update(prefix);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
