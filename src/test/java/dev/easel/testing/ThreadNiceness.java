package dev.easel.testing;

import dev.easel.runtime.ThreadPriority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The Linux niceness of this process's threads, read from {@code /proc/self/task}. */
public final class ThreadNiceness {
  private static final Path TASKS = Path.of("/proc/self/task");

  private ThreadNiceness() {}

  /**
   * Whether this system lets Easel lower a thread's priority and shows it (Linux with {@code
   * renice}, a kernel or sandbox that honours per-thread niceness): tried on a throwaway thread.
   */
  public static boolean available() {
    if (!Files.isDirectory(TASKS)) {
      return false;
    }
    int[] seen = {-1};
    Thread probe =
        new Thread(
            () -> {
              ThreadPriority.lowerCurrentThread(1);
              seen[0] = ofCurrentThread();
            });
    probe.start();
    try {
      probe.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return seen[0] == 1;
  }

  /** The calling thread's niceness. */
  public static int ofCurrentThread() {
    try {
      long tid =
          Long.parseLong(
              Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
      return all().get(tid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Thread id → niceness, for every thread of the process. */
  public static Map<Long, Integer> all() {
    Map<Long, Integer> nice = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          // after "(comm) ": state is field 3 and nice field 19
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          nice.put(Long.parseLong(task.getFileName().toString()), Integer.parseInt(fields[16]));
        } catch (IOException e) {
          // the thread ended while listing
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return nice;
  }

  /** The niceness of the threads called {@code name} (Linux keeps its first 15 characters). */
  public static Map<Long, Integer> named(String name) {
    String comm = name.substring(0, Math.min(15, name.length()));
    Map<Long, Integer> nice = new TreeMap<>();
    all()
        .forEach(
            (tid, n) -> {
              try {
                if (Files.readString(TASKS.resolve(tid + "/comm")).strip().equals(comm)) {
                  nice.put(tid, n);
                }
              } catch (IOException e) {
                // the thread ended while listing
              }
            });
    return nice;
  }
}
