package dev.easel.hub;

import dev.easel.store.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Hugging Face cache layout, shared with Python tools ({@code huggingface_hub}, diffusers):
 *
 * <pre>
 * CACHE/models--ORG--NAME/blobs/ETAG                  file contents, named by sha256 (LFS) or git sha1
 *                        /blobs/ETAG.incomplete       a download in progress (resumable)
 *                        /snapshots/COMMIT/PATH       relative symlinks to ../../blobs/ETAG
 *                        /refs/REVISION               the commit a branch or tag pointed at
 * </pre>
 */
public final class HubCache {
  private final Path root;

  public HubCache(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  public Path repoDir(String repo) {
    return root.resolve("models--" + repo.replace("/", "--"));
  }

  public Path blob(String repo, String etag) {
    return repoDir(repo).resolve("blobs").resolve(etag);
  }

  public Path incomplete(String repo, String etag) {
    return repoDir(repo).resolve("blobs").resolve(etag + ".incomplete");
  }

  public Path snapshotDir(String repo, String commit) {
    return repoDir(repo).resolve("snapshots").resolve(commit);
  }

  /** The commit a revision names: itself when it is a cached commit, else what refs/ records. */
  public Optional<String> commit(String repo, String revision) {
    if (RepoRef.isCommit(revision) && Files.isDirectory(snapshotDir(repo, revision))) {
      return Optional.of(revision);
    }
    Path ref = repoDir(repo).resolve("refs").resolve(revision);
    try {
      if (!ref.normalize().startsWith(repoDir(repo).resolve("refs")) || !Files.isRegularFile(ref)) {
        return Optional.empty();
      }
      String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
      return commit.isEmpty() ? Optional.empty() : Optional.of(commit);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The snapshot folder of a revision, when it is cached and holds a diffusers model. */
  public Optional<Path> snapshot(String repo, String revision) {
    return commit(repo, revision)
        .map(c -> snapshotDir(repo, c))
        .filter(d -> Files.isRegularFile(d.resolve("model_index.json")));
  }

  /**
   * Makes {@code snapshots/COMMIT/PATH} point at the blob (relative symlink, as huggingface_hub
   * does; a copy where the file system has no symlinks). Replaces an existing entry atomically.
   */
  public void link(String repo, String commit, String path, String etag) throws IOException {
    Path target = snapshotDir(repo, commit).resolve(path);
    Files.createDirectories(target.getParent());
    Path blob = blob(repo, etag);
    Path relative = target.getParent().relativize(blob);
    Path tmp = target.resolveSibling("." + target.getFileName() + ".link");
    Files.deleteIfExists(tmp);
    try {
      Files.createSymbolicLink(tmp, relative);
    } catch (UnsupportedOperationException | IOException e) {
      Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Records which commit a branch or tag names (not written for a commit itself). */
  public void writeRef(String repo, String revision, String commit) throws IOException {
    if (revision.equals(commit)) {
      return;
    }
    Path ref = repoDir(repo).resolve("refs").resolve(revision);
    AtomicFiles.write(ref, commit.getBytes(StandardCharsets.UTF_8));
  }

  /** A repository in the cache: its refs and snapshot commits. */
  public record CachedRepo(String repo, Map<String, String> refs, List<String> snapshots) {}

  /** Every model repository in the cache, sorted by id. */
  public List<CachedRepo> repos() throws IOException {
    List<CachedRepo> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "models--*")) {
      for (Path dir : dirs) {
        String[] parts = dir.getFileName().toString().substring("models--".length()).split("--");
        if (parts.length != 2 || !Files.isDirectory(dir)) {
          continue;
        }
        String repo = parts[0] + "/" + parts[1];
        Map<String, String> refs = new LinkedHashMap<>();
        Path refDir = dir.resolve("refs");
        if (Files.isDirectory(refDir)) {
          try (Stream<Path> s = Files.walk(refDir)) {
            for (Path r : s.filter(Files::isRegularFile).sorted().toList()) {
              refs.put(
                  refDir.relativize(r).toString().replace('\\', '/'),
                  Files.readString(r, StandardCharsets.UTF_8).strip());
            }
          }
        }
        out.add(new CachedRepo(repo, refs, children(dir.resolve("snapshots"))));
      }
    }
    out.sort(Comparator.comparing(CachedRepo::repo));
    return out;
  }

  /** Bytes on disk of a snapshot: the distinct blobs it points at. */
  public long snapshotSize(String repo, String commit) throws IOException {
    long total = 0;
    for (Path blob : blobsOf(repo, commit)) {
      total += Files.size(blob);
    }
    return total;
  }

  /**
   * Removes one snapshot, the refs that name it and the blobs no other snapshot uses; the whole
   * repository folder when nothing else is left in it.
   */
  public void removeSnapshot(String repo, String commit) throws IOException {
    Set<Path> mine = blobsOf(repo, commit);
    Set<Path> others = new HashSet<>();
    Path repoDir = repoDir(repo);
    for (String other : children(repoDir.resolve("snapshots"))) {
      if (!other.equals(commit)) {
        others.addAll(blobsOf(repo, other));
      }
    }
    Path refDir = repoDir.resolve("refs");
    if (Files.isDirectory(refDir)) {
      try (Stream<Path> s = Files.walk(refDir)) {
        for (Path r : s.filter(Files::isRegularFile).toList()) {
          if (Files.readString(r, StandardCharsets.UTF_8).strip().equals(commit)) {
            Files.delete(r);
          }
        }
      }
    }
    deleteTree(snapshotDir(repo, commit));
    for (Path b : mine) {
      if (!others.contains(b)) {
        Files.deleteIfExists(b);
      }
    }
    if (children(repoDir.resolve("snapshots")).isEmpty()) {
      deleteTree(repoDir);
    }
  }

  private Set<Path> blobsOf(String repo, String commit) throws IOException {
    Set<Path> blobs = new HashSet<>();
    Path snap = snapshotDir(repo, commit);
    if (!Files.isDirectory(snap)) {
      return blobs;
    }
    try (Stream<Path> s = Files.walk(snap)) {
      for (Path p : s.toList()) {
        if (Files.isSymbolicLink(p)) {
          Path target = p.getParent().resolve(Files.readSymbolicLink(p)).normalize();
          if (Files.isRegularFile(target)) {
            blobs.add(target);
          }
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          blobs.add(p);
        }
      }
    }
    return blobs;
  }

  private static List<String> children(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
