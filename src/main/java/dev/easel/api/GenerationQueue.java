package dev.easel.api;

import dev.easel.engine.Cancellation;
import dev.easel.engine.GenerationRequest;
import dev.easel.engine.GenerationResult;
import dev.easel.engine.ImageGenerator;
import dev.easel.engine.ProgressListener;
import dev.easel.image.RgbaImage;
import dev.easel.runtime.ThreadPriority;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker for the device, fed from a bounded queue. A request's {@code n} images go to the
 * generator as one batch. A full queue is a 429 with an estimate of the wait.
 */
final class GenerationQueue implements AutoCloseable {
  private final ThreadPoolExecutor worker;
  private final Metrics metrics;
  private final AtomicLong averageMillis = new AtomicLong(10_000);

  /**
   * @param nice niceness of the worker thread, below the HTTP threads so that they get the CPU at
   *     once while a generation runs
   */
  GenerationQueue(int capacity, int nice, Metrics metrics) {
    this.metrics = metrics;
    this.worker =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(capacity),
            r -> {
              Thread t =
                  new Thread(
                      () -> {
                        ThreadPriority.lowerCurrentThread(nice);
                        r.run();
                      },
                      "easel-generation-worker");
              t.setDaemon(true);
              return t;
            });
    metrics.queueDepth(this::depth);
  }

  /** A queued or running generation. */
  static final class Ticket {
    final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
    final Cancellation cancellation = new Cancellation();
    private final long submittedAt = System.nanoTime();
    private volatile long startedAt;
    private volatile long finishedAt;
    private Runnable task;
    private ThreadPoolExecutor owner;

    /** Stops the generation: removed from the queue, or cancelled between steps. */
    void cancel() {
      cancellation.cancel();
      if (owner.remove(task)) {
        result.completeExceptionally(new Cancellation.CancelledException());
      }
    }

    /** Time waited for the worker, in milliseconds (until now while still waiting). */
    double queueMillis() {
      long start = startedAt;
      return ((start == 0 ? System.nanoTime() : start) - submittedAt) / 1e6;
    }

    /** Time the generation ran on the worker, in milliseconds (0 before it finished). */
    double generationMillis() {
      long start = startedAt;
      long end = finishedAt;
      return start == 0 || end == 0 ? 0 : (end - start) / 1e6;
    }
  }

  int depth() {
    return worker.getQueue().size();
  }

  Ticket submit(ImageGenerator generator, GenerationRequest request, ProgressListener progress) {
    Ticket ticket = new Ticket();
    ticket.owner = worker;
    ticket.task = () -> run(generator, request, progress, ticket);
    try {
      worker.execute(ticket.task);
    } catch (RejectedExecutionException e) {
      long wait = Math.max(1, averageMillis.get() * (depth() + 1) / 1000);
      throw ApiException.throttled(
          ApiException.Kind.OVERLOADED,
          "The server is busy: " + depth() + " generations are queued. Please retry later.",
          "queue_full",
          wait);
    }
    return ticket;
  }

  private void run(
      ImageGenerator generator, GenerationRequest request, ProgressListener progress, Ticket t) {
    if (t.cancellation.isCancelled()) {
      t.result.completeExceptionally(new Cancellation.CancelledException());
      return;
    }
    long start = System.nanoTime();
    t.startedAt = start;
    AtomicLong steps = new AtomicLong();
    ProgressListener counting =
        new ProgressListener() {
          @Override
          public void onStep(int step, int total, long elapsedNanos) {
            steps.incrementAndGet();
            progress.onStep(step, total, elapsedNanos);
          }

          @Override
          public void onPreview(int index, int previewNumber, RgbaImage preview) {
            progress.onPreview(index, previewNumber, preview);
          }
        };
    metrics.generationStarted();
    int imageCount = 0;
    boolean cancelled = false;
    try {
      GenerationResult result = generator.generate(request, counting, t.cancellation);
      imageCount = result.images().size();
      t.finishedAt = System.nanoTime();
      t.result.complete(result);
    } catch (Throwable e) {
      cancelled = e instanceof Cancellation.CancelledException;
      t.finishedAt = System.nanoTime();
      t.result.completeExceptionally(e);
    } finally {
      long nanos = System.nanoTime() - start;
      averageMillis.set((averageMillis.get() * 3 + nanos / 1_000_000) / 4);
      metrics.generationFinished(generator.name(), imageCount, steps.get(), nanos, cancelled);
    }
  }

  /** Stops taking work and waits for the running generation to finish. */
  @Override
  public void close() {
    worker.shutdown();
    try {
      worker.awaitTermination(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
