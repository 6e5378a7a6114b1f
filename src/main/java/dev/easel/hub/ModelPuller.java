package dev.easel.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a diffusers-layout model from the Hub into the shared cache ({@link HubCache}) and
 * returns its snapshot folder: resolves the revision to a commit, fetches the files {@link
 * FileSelection} picks (a few in parallel), links them into {@code snapshots/COMMIT/} and records
 * the ref last. Already-cached blobs are not fetched again; offline, only the cache is used.
 */
public final class ModelPuller {
  private static final Logger LOG = LoggerFactory.getLogger(ModelPuller.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PARALLEL = 4;

  private final HubOptions options;
  private final HubCache cache;
  private final HubClient client;
  private final DownloadProgress progress;

  public ModelPuller(HubOptions options, DownloadProgress progress) {
    this.options = options;
    this.cache = new HubCache(options.cacheDir());
    this.client = new HubClient(options);
    this.progress = progress;
  }

  /** The snapshot folder of the model, downloading what is missing. */
  public Path pull(RepoRef ref) {
    if (options.offline()) {
      return cache
          .snapshot(ref.repo(), ref.revision())
          .orElseThrow(
              () ->
                  new HubUnreachableException(
                      "offline mode (HF_HUB_OFFLINE or hub.offline) and " + missing(ref, options),
                      null));
    }
    RepoInfo info;
    try {
      info = client.info(ref);
    } catch (HubUnreachableException e) {
      Optional<Path> cached = cache.snapshot(ref.repo(), ref.revision());
      if (cached.isPresent()) {
        LOG.warn("{}: using the cached copy of {}", e.getMessage(), ref);
        return cached.get();
      }
      throw new HubUnreachableException(e.getMessage() + ", and " + missing(ref, options), e);
    }
    try {
      return download(ref, info);
    } catch (IOException e) {
      throw new HubException(
          "cannot write to the cache " + cache.root() + ": " + e.getMessage(), e);
    }
  }

  /** What to tell a user whose model is neither cached nor reachable. */
  public static String missing(RepoRef ref, HubOptions options) {
    HubCache c = new HubCache(options.cacheDir());
    return ref
        + " is not in the cache "
        + options.cacheDir()
        + ". Either run 'easel pull "
        + ref
        + "' on a connected machine and copy its "
        + c.root().relativize(c.repoDir(ref.repo()))
        + " folder into "
        + options.cacheDir()
        + " here, or point --model at a diffusers model folder.";
  }

  private Path download(RepoRef ref, RepoInfo info) throws IOException {
    RemoteFile index =
        info.files().stream()
            .filter(f -> f.path().equals(FileSelection.MODEL_INDEX))
            .findFirst()
            .orElseThrow(
                () ->
                    new HubException(
                        ref.repo()
                            + " is not a diffusers-layout model (no model_index.json). For a"
                            + " single-file checkpoint, download the .safetensors file and run"
                            + " 'easel import FILE'."));
    AtomicBoolean cancelled = new AtomicBoolean();
    BlobDownload blobs = new BlobDownload(client, cache, progress, cancelled::get);
    Path indexBlob = blobs.fetch(ref, info.commit(), index);
    cache.link(ref.repo(), info.commit(), index.path(), index.etag());
    JsonNode modelIndex = JSON.readTree(indexBlob.toFile());
    List<RemoteFile> files = FileSelection.select(info, modelIndex);
    long total = 0;
    long present = 0;
    for (RemoteFile f : files) {
      total += f.size();
      Path blob = cache.blob(ref.repo(), f.etag());
      Path part = cache.incomplete(ref.repo(), f.etag());
      present +=
          Files.isRegularFile(blob)
              ? f.size()
              : Files.isRegularFile(part) ? Math.min(Files.size(part), f.size()) : 0;
    }
    progress.begin(ref.toString(), total, present);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            PARALLEL,
            r -> {
              Thread t = new Thread(r, "easel-pull");
              t.setDaemon(true);
              return t;
            });
    Thread hook =
        new Thread(
            () -> {
              cancelled.set(true);
              pool.shutdown();
              try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "easel-pull-interrupted");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (RemoteFile f : files) {
        futures.add(
            pool.submit(
                () -> {
                  try {
                    blobs.fetch(ref, info.commit(), f);
                    cache.link(ref.repo(), info.commit(), f.path(), f.etag());
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  return null;
                }));
      }
      waitAll(futures, cancelled);
      cache.writeRef(ref.repo(), ref.revision(), info.commit());
    } finally {
      pool.shutdownNow();
      progress.end();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for the workers
      }
    }
    return cache.snapshotDir(ref.repo(), info.commit());
  }

  private static void waitAll(List<Future<?>> futures, AtomicBoolean cancelled) throws IOException {
    RuntimeException failure = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        cancelled.set(true);
        if (failure == null) {
          Throwable c = e.getCause();
          failure =
              c instanceof UncheckedIOException u
                  ? new HubException(u.getCause().getMessage(), u.getCause())
                  : c instanceof CancellationException
                      ? new HubException(
                          "download interrupted; run the same command again to resume", c)
                      : c instanceof RuntimeException r
                          ? r
                          : new HubException(String.valueOf(c.getMessage()), c);
        }
      } catch (InterruptedException e) {
        cancelled.set(true);
        Thread.currentThread().interrupt();
        throw new HubException("download interrupted; run the same command again to resume", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
