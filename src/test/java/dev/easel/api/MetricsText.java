package dev.easel.api;

import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;

/** Reads series from a running server's /metrics text. */
final class MetricsText {
  private MetricsText() {}

  /** The value of one series (name with labels), 0 when absent. */
  static double value(String metrics, String series) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    return 0;
  }

  static double value(TestServers.Running s, String series) {
    return value(Http.get(s.url("/metrics")).text(), series);
  }

  /** Polls until the series satisfies the condition (or 10 seconds pass); returns its value. */
  static double await(TestServers.Running s, String series, DoublePredicate condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    double v = value(s, series);
    while (!condition.test(v) && System.nanoTime() < deadline) {
      Thread.sleep(10);
      v = value(s, series);
    }
    return v;
  }
}
