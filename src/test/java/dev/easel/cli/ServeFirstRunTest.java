package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.api.EaselServer;
import dev.easel.hub.FakeHub;
import dev.easel.hub.HubFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code easel serve} with no model configured: pulls the default model, or starts without. */
class ServeFirstRunTest {
  @TempDir Path cache;
  @TempDir Path modelsDir;

  /** Runs serve in-process until its server is up; returns the server and what it printed. */
  record Running(EaselServer server, CompletableFuture<Integer> exit, StringWriter err) {}

  Running serve(String endpoint, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--set", "hub.endpoint=" + endpoint,
                "--set", "hub.cache-dir=" + cache,
                "--set", "models.dir=" + modelsDir,
                "--set", "hub.default-model=tiny-org/tiny-sd"));
    args.addAll(List.of(extra));
    args.addAll(List.of("serve", "--port", "0"));
    CommandLine cl = EaselCommand.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    ExecutorService threads = Executors.newCachedThreadPool();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> cl.execute(args.toArray(String[]::new)), threads);
    CompletableFuture<EaselServer> server =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                while (cl.getSubcommands().get("serve").getParseResult() == null) {
                  Thread.sleep(10);
                }
                ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
                return serve.awaitServer();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            },
            threads);
    threads.shutdown();
    return new Running(server.orTimeout(120, TimeUnit.SECONDS).join(), exit, err);
  }

  static HttpResponse<String> get(EaselServer s, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(s.baseUrl() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> generate(EaselServer s) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(s.baseUrl() + "/v1/images/generations"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"a fox\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pullsTheDefaultModelThenServesIt() throws Exception {
    try (FakeHub hub = new FakeHub()) {
      hub.host("tiny-org/tiny-sd", HubFixtures.repoFolder(), HubFixtures.COMMIT, null);
      Running r = serve(hub.endpoint().toString());
      try {
        assertThat(get(r.server(), "/v1/models").body()).contains("\"id\":\"tiny-org/tiny-sd\"");
        assertThat(cache.resolve("models--tiny-org--tiny-sd/refs/main")).exists();
      } finally {
        r.server().stop();
      }
      assertThat(r.exit().get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void offlineItSaysWhatIsMissingAndAnswers503() throws Exception {
    Running r = serve("http://127.0.0.1:9", "--set", "hub.offline=true");
    try {
      HttpResponse<String> response = generate(r.server());
      assertThat(response.statusCode()).isEqualTo(503);
    } finally {
      r.server().stop();
    }
    assertThat(r.exit().get(30, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void theDocumentedDefaultModelIsSdTurbo() {
    assertThat(dev.easel.config.Settings.HUB_DEFAULT_MODEL.defaultValue())
        .isEqualTo("stabilityai/sd-turbo");
  }
}
