package dev.easel.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux niceness for the threads that run models, so that a generation, which keeps every core busy
 * for seconds, yields the CPU at once to the short, latency-bound work of the HTTP server and to
 * the rest of the machine. Linux keeps a nice value per thread and a new thread inherits its
 * creator's. Java has no call for it, so {@code renice} sets it. Elsewhere (no {@code
 * /proc/thread-self}) threads keep their priority; a {@code renice} that fails is logged at debug.
 */
public final class ThreadPriority {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadPriority.class);
  private static final Path THREAD_SELF = Path.of("/proc/thread-self");

  private ThreadPriority() {}

  /**
   * Gives the calling thread the niceness {@code nice} (0 leaves it as it is). Lowering priority
   * needs no privilege; it cannot be undone, so call it only on threads dedicated to models.
   */
  public static void lowerCurrentThread(int nice) {
    if (nice == 0 || !Files.isSymbolicLink(THREAD_SELF)) {
      return;
    }
    try {
      String tid = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
      Process renice =
          new ProcessBuilder("renice", Integer.toString(nice), "-p", tid)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!renice.waitFor(5, TimeUnit.SECONDS) || renice.exitValue() != 0) {
        renice.destroy();
        LOG.debug("renice of thread {} to {} failed", tid, nice);
      }
    } catch (IOException e) {
      LOG.debug("cannot lower thread priority: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs {@code action} on a new thread of niceness {@code nice} and returns its result: the
   * threads it creates (ONNX Runtime's intra-op pool) inherit the niceness.
   */
  @SuppressWarnings("unchecked")
  public static <T, E extends Exception> T onLoweredThread(int nice, Action<T, E> action) throws E {
    if (nice == 0) {
      return action.run();
    }
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              lowerCurrentThread(nice);
              try {
                result.set(action.run());
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            Thread.currentThread().getName());
    thread.start();
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error err) {
      throw err;
    }
    if (t != null) {
      throw (E) t;
    }
    return result.get();
  }

  /** Work that returns a value or throws {@code E}. */
  @FunctionalInterface
  public interface Action<T, E extends Exception> {
    T run() throws E;
  }
}
