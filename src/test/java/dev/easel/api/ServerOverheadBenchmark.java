package dev.easel.api;

import dev.easel.config.Config;
import dev.easel.engine.Cancellation;
import dev.easel.engine.GenerationRequest;
import dev.easel.engine.ProgressListener;
import dev.easel.engine.StableDiffusionLoader;
import dev.easel.engine.StableDiffusionPipeline;
import dev.easel.engine.TinyModels;
import dev.easel.image.GenerationParameters;
import dev.easel.image.ImageEncoder;
import dev.easel.image.OutputFormat;
import dev.easel.image.Resize;
import dev.easel.image.RgbaImage;
import dev.easel.model.Architecture;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.RuntimeOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Server overhead per request with the tiny model, and the cost of encoding a 1024×1024 result. Not
 * part of the default suite; run it with
 *
 * <pre>
 * mvn -B -Dformat.skip=true test -Dtest=ServerOverheadBenchmark -Dsurefire.excludedGroups= \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and read {@code target/benchmarks-api.md}. The in-process server runs the tiny model with ONNX
 * Runtime's threads as {@code easel serve} configures them (one per core), but in the test JVM's
 * heap and collector; with {@code -Deasel.bench.url=http://127.0.0.1:PORT} the requests go to a
 * server started separately, e.g. {@code ./easel serve} with the tiny model, instead.
 */
@Tag("slow")
class ServerOverheadBenchmark {
  private static final String REQUEST =
      "{\"prompt\":\"a lighthouse at dusk\",\"model\":\"gpt-image-1-mini\",\"quality\":\"low\"}";

  /**
   * The client handles responses on its selector thread instead of handing them to a pool: one
   * thread switch fewer per request on the client's side, which is not the server's overhead.
   */
  private static final HttpClient HTTP = HttpClient.newBuilder().executor(Runnable::run).build();

  /**
   * Requests each client sends before its samples count, in the same loop: they open the client's
   * connection and start Jetty's threads, and the clients' first requests, sent all at once, are a
   * burst rather than the steady state measured.
   */
  private static final int WARM_UP_PER_CLIENT = 3;

  /** One request as the client saw it: total latency, and what the server reported. */
  record Sample(double totalMs, double generationMs, double queueMs) {}

  @Test
  void measure() throws Exception {
    StringBuilder md = new StringBuilder();
    String external = System.getProperty("easel.bench.url");
    StableDiffusionPipeline model =
        external == null
            ? StableDiffusionLoader.load(
                TinyModels.folder(Architecture.TINY, false),
                new OnnxRuntimes(RuntimeOptions.from(Config.defaults())),
                4)
            : null;
    try (var s =
        external == null
            ? TestServers.withModels(
                List.of(model),
                Map.of(
                    "server.queue-size",
                    "64",
                    "server.max-generation-pixels",
                    TestServers.TINY_GENERATION_PIXELS))
            : null) {
      String url = (external == null ? s.url("") : external) + "/v1/images/generations";
      run(url, 1, 30);
      md.append("| clients | requests | total p50 | total p99 | generation p50 | overhead p50")
          .append(" | overhead p99 | overhead without queue wait p50 | p99 |\n")
          .append("|---|---|---|---|---|---|---|---|---|\n");
      for (int clients : new int[] {1, 32}) {
        List<Sample> samples = run(url, clients, clients == 1 ? 200 : 640);
        double[] total = samples.stream().mapToDouble(Sample::totalMs).toArray();
        double[] gen = samples.stream().mapToDouble(Sample::generationMs).toArray();
        double[] overhead =
            samples.stream().mapToDouble(x -> x.totalMs() - x.generationMs()).toArray();
        double[] http =
            samples.stream()
                .mapToDouble(x -> x.totalMs() - x.generationMs() - x.queueMs())
                .toArray();
        md.append(
            String.format(
                Locale.ROOT,
                "| %d | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.2f ms | %.2f ms |%n",
                clients,
                samples.size(),
                pct(total, 50),
                pct(total, 99),
                pct(gen, 50),
                pct(overhead, 50),
                pct(overhead, 99),
                pct(http, 50),
                pct(http, 99)));
      }
    } finally {
      if (model != null) {
        model.close();
      }
    }
    md.append("\n").append(encoding());
    Files.writeString(Path.of("target", "benchmarks-api.md"), md);
    System.out.println(md);
  }

  private static List<Sample> run(String url, int clients, int requests) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(REQUEST))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<List<Sample>>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(
          pool.submit(
              () -> {
                List<Sample> mine = new ArrayList<>();
                for (int i = 0; i < WARM_UP_PER_CLIENT + requests / clients; i++) {
                  Sample sample = send(request);
                  if (i >= WARM_UP_PER_CLIENT) {
                    mine.add(sample);
                  }
                }
                return mine;
              }));
    }
    List<Sample> all = new ArrayList<>();
    for (Future<List<Sample>> f : futures) {
      all.addAll(f.get());
    }
    pool.shutdown();
    return all;
  }

  private static Sample send(HttpRequest request) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<byte[]> r = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    double total = (System.nanoTime() - start) / 1e6;
    if (r.statusCode() != 200) {
      throw new IllegalStateException("status " + r.statusCode() + ": " + new String(r.body()));
    }
    return new Sample(
        total,
        Double.parseDouble(r.headers().firstValue("x-easel-generation-ms").orElseThrow()),
        Double.parseDouble(r.headers().firstValue("x-easel-queue-ms").orElseThrow()));
  }

  private static double pct(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  /** Encoding a 1024×1024 picture (a tiny-model output upscaled: smooth, like real results). */
  private static String encoding() {
    GenerationRequest request =
        new GenerationRequest(
            GenerationRequest.Mode.TEXT_TO_IMAGE,
            "a lighthouse at dusk",
            null,
            64,
            64,
            1,
            1L,
            4,
            null,
            null,
            null,
            List.of(),
            null,
            0);
    RgbaImage small =
        TestServers.tinyModel()
            .generate(request, ProgressListener.NONE, new Cancellation())
            .images()
            .get(0)
            .image();
    RgbaImage image = Resize.resize(small, 1024, 1024, Resize.Filter.LANCZOS);
    String parameters =
        new GenerationParameters(
                "a lighthouse at dusk", "", 4, "euler_a", 7.5, 1, 1024, 1024, "model", Map.of())
            .format();
    StringBuilder md =
        new StringBuilder("| 1024×1024 encode | median | min | bytes |\n|---|---|---|---|\n");
    record Case(String name, OutputFormat format, int compression) {}
    for (Case c :
        List.of(
            new Case("PNG (with parameters chunk)", OutputFormat.PNG, 100),
            new Case("JPEG, output_compression 100", OutputFormat.JPEG, 100),
            new Case("JPEG, output_compression 75", OutputFormat.JPEG, 75),
            new Case("WebP, output_compression 80", OutputFormat.WEBP, 80))) {
      double[] ms = new double[9];
      int bytes = 0;
      for (int i = -2; i < ms.length; i++) {
        long start = System.nanoTime();
        bytes =
            ImageEncoder.encode(
                    image,
                    c.format(),
                    c.compression(),
                    c.format() == OutputFormat.PNG
                        ? Map.of(GenerationParameters.PNG_KEYWORD, parameters)
                        : Map.of())
                .length;
        if (i >= 0) {
          ms[i] = (System.nanoTime() - start) / 1e6;
        }
      }
      Arrays.sort(ms);
      md.append(
          String.format(
              Locale.ROOT, "| %s | %.1f ms | %.1f ms | %d |%n", c.name(), ms[4], ms[0], bytes));
    }
    return md.toString();
  }
}
