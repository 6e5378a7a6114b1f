package dev.easel.hub;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows a pull's progress on stderr: on an interactive terminal one bar redrawn in place with
 * bytes, speed and time left; otherwise (logs, pipes, CI) one line per finished file.
 */
public final class ProgressPrinter implements DownloadProgress {
  private static final long REDRAW_NANOS = 200_000_000L;
  private static final int BAR = 30;

  private final PrintWriter err;
  private final boolean interactive;
  private final AtomicLong done = new AtomicLong();
  private volatile long total;
  private volatile long startNanos;
  private long lastDraw;
  private long sessionBytes;
  private String what = "";

  public ProgressPrinter(PrintWriter err, boolean interactive) {
    this.err = err;
    this.interactive = interactive;
  }

  @Override
  public synchronized void begin(String what, long totalBytes, long presentBytes) {
    this.what = what;
    this.total = totalBytes;
    this.done.set(presentBytes);
    this.startNanos = System.nanoTime();
    if (!interactive) {
      err.printf(
          Locale.ROOT,
          "pulling %s: %s to download%s%n",
          what,
          size(totalBytes - presentBytes),
          presentBytes > 0 ? " (" + size(presentBytes) + " already present)" : "");
      err.flush();
    }
  }

  @Override
  public void fileStarted(RemoteFile file, long offset) {
    if (offset > 0 && !interactive) {
      synchronized (this) {
        err.printf(Locale.ROOT, "resuming %s at %s%n", file.path(), size(offset));
        err.flush();
      }
    }
  }

  @Override
  public void bytes(long count) {
    done.addAndGet(count);
    if (interactive) {
      synchronized (this) {
        sessionBytes += count;
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS) {
          lastDraw = now;
          draw(now);
        }
      }
    }
  }

  @Override
  public synchronized void fileDone(RemoteFile file, long downloadedBytes, long nanos) {
    if (interactive) {
      draw(System.nanoTime());
      return;
    }
    double seconds = Math.max(nanos, 1) / 1e9;
    err.printf(
        Locale.ROOT,
        "  %s  %s  %.1f s  %s/s%n",
        file.path(),
        size(file.size()),
        seconds,
        size((long) (downloadedBytes / seconds)));
    err.flush();
  }

  @Override
  public synchronized void end() {
    if (interactive) {
      draw(System.nanoTime());
      err.println();
      err.flush();
    }
  }

  private void draw(long now) {
    long d = done.get();
    double fraction = total <= 0 ? 1 : Math.min(1, (double) d / total);
    int filled = (int) Math.round(fraction * BAR);
    double seconds = Math.max(now - startNanos, 1) / 1e9;
    double speed = sessionBytes / seconds;
    String eta = speed > 0 && d < total ? duration((long) ((total - d) / speed)) : "--:--";
    err.printf(
        Locale.ROOT,
        "\r%s %3d%% [%s%s] %s/%s %s/s ETA %s ",
        what,
        Math.round(fraction * 100),
        "#".repeat(filled),
        " ".repeat(BAR - filled),
        size(d),
        size(total),
        size((long) speed),
        eta);
    err.flush();
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  private static String duration(long seconds) {
    return seconds >= 3600
        ? String.format(
            Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }
}
