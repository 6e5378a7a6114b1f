package dev.easel.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** The server's counters, rendered in the Prometheus text exposition format (version 0.0.4). */
final class Metrics {
  private static final double[] BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> images = new ConcurrentHashMap<>();
  private final LongAdder steps = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final LongAdder generationNanos = new LongAdder();
  private final AtomicLong lastStepsPerSecondMicros = new AtomicLong();
  private final AtomicLong running = new AtomicLong();
  private volatile IntSupplier queueDepth = () -> 0;
  private volatile ModelDirectory models = ModelDirectory.empty();

  void queueDepth(IntSupplier depth) {
    this.queueDepth = depth;
  }

  void models(ModelDirectory models) {
    this.models = models;
  }

  void request(String route, int status, long nanos) {
    requests.computeIfAbsent(route + "\u0000" + status, k -> new LongAdder()).increment();
    latency.computeIfAbsent(route, k -> new Histogram()).observe(nanos / 1e9);
  }

  void generationStarted() {
    running.incrementAndGet();
  }

  /**
   * A finished, failed or cancelled generation: how many steps it ran in how long, and its images.
   */
  void generationFinished(
      String model, int imageCount, long stepCount, long nanos, boolean wasCancelled) {
    running.decrementAndGet();
    if (wasCancelled) {
      cancelled.increment();
    }
    images.computeIfAbsent(model, k -> new LongAdder()).add(imageCount);
    steps.add(stepCount);
    generationNanos.add(nanos);
    if (nanos > 0 && stepCount > 0) {
      lastStepsPerSecondMicros.set(Math.round(stepCount * 1e6 / (nanos / 1e9)));
    }
  }

  String render() {
    StringBuilder out = new StringBuilder();
    header(out, "easel_http_requests_total", "counter", "HTTP requests by route and status.");
    new TreeMap<>(requests)
        .forEach(
            (k, v) -> {
              String[] parts = k.split("\u0000");
              out.append("easel_http_requests_total{route=\"")
                  .append(parts[0])
                  .append("\",status=\"")
                  .append(parts[1])
                  .append("\"} ")
                  .append(v.sum())
                  .append('\n');
            });
    header(
        out,
        "easel_http_request_duration_seconds",
        "histogram",
        "Time from request to complete response.");
    new TreeMap<>(latency).forEach((route, h) -> h.render(out, route));
    header(out, "easel_queue_depth", "gauge", "Generations waiting for the worker.");
    out.append("easel_queue_depth ").append(queueDepth.getAsInt()).append('\n');
    header(out, "easel_generations_running", "gauge", "Generations on the worker now.");
    out.append("easel_generations_running ").append(running.get()).append('\n');
    header(out, "easel_model_loaded", "gauge", "1 when a model's weights are in memory, else 0.");
    List<String> loaded = models.loaded();
    for (String model : models.names()) {
      out.append("easel_model_loaded{model=\"")
          .append(escape(model))
          .append("\"} ")
          .append(loaded.contains(model) ? 1 : 0)
          .append('\n');
    }
    header(out, "easel_images_generated_total", "counter", "Images generated, by local model.");
    new TreeMap<>(images)
        .forEach(
            (model, v) ->
                out.append("easel_images_generated_total{model=\"")
                    .append(escape(model))
                    .append("\"} ")
                    .append(v.sum())
                    .append('\n'));
    header(
        out,
        "easel_generations_cancelled_total",
        "counter",
        "Generations stopped while running because their client went away.");
    out.append("easel_generations_cancelled_total ").append(cancelled.sum()).append('\n');
    header(out, "easel_denoising_steps_total", "counter", "Denoising steps run (batch steps).");
    out.append("easel_denoising_steps_total ").append(steps.sum()).append('\n');
    header(out, "easel_generation_seconds_total", "counter", "Time spent generating.");
    out.append("easel_generation_seconds_total ")
        .append(format(generationNanos.sum() / 1e9))
        .append('\n');
    header(
        out,
        "easel_denoising_steps_per_second",
        "gauge",
        "Denoising steps per second of the last finished generation.");
    out.append("easel_denoising_steps_per_second ")
        .append(format(lastStepsPerSecondMicros.get() / 1e6))
        .append('\n');
    return out.toString();
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }

  private static final class Histogram {
    private final LongAdder[] counts = new LongAdder[BUCKETS.length];
    private final LongAdder count = new LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder sum =
        new java.util.concurrent.atomic.DoubleAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double seconds) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i].increment();
        }
      }
      count.increment();
      sum.add(seconds);
    }

    void render(StringBuilder out, String route) {
      String name = "easel_http_request_duration_seconds";
      for (int i = 0; i < BUCKETS.length; i++) {
        out.append(name)
            .append("_bucket{route=\"")
            .append(route)
            .append("\",le=\"")
            .append(BUCKETS[i])
            .append("\"} ")
            .append(counts[i].sum())
            .append('\n');
      }
      out.append(name)
          .append("_bucket{route=\"")
          .append(route)
          .append("\",le=\"+Inf\"} ")
          .append(count.sum())
          .append('\n');
      out.append(name).append("_sum{route=\"").append(route).append("\"} ");
      out.append(format(sum.sum())).append('\n');
      out.append(name)
          .append("_count{route=\"")
          .append(route)
          .append("\"} ")
          .append(count.sum())
          .append('\n');
    }
  }
}
