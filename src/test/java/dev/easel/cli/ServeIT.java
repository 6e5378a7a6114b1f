package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.image.DecodedImage;
import dev.easel.image.ImageDecoder;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./easel serve} as a user runs it: a tiny random model written by {@code ./easel
 * random-model}, one generation over HTTP, then SIGTERM and a graceful exit.
 */
class ServeIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void servesATinyModelAndStopsOnSigterm() throws Exception {
    Path work = Files.createTempDirectory("easel-serve-it");
    Path model = work.resolve("tiny-model");
    LauncherIT.Result written =
        LauncherIT.easel("random-model", model.toString(), "--arch", "tiny");
    assertThat(written.code()).as(written.err()).isZero();

    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path log = work.resolve("serve.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    LauncherIT.home().resolve("easel").toString(),
                    "--set",
                    "server.max-generation-pixels=4096",
                    "--set",
                    "store.dir=" + work.resolve("images"),
                    "serve",
                    "--model",
                    model.toString(),
                    "--port",
                    Integer.toString(port)))
            .directory(LauncherIT.home().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().remove("JAVA_HOME");
    Process server = pb.start();
    try {
      String base = "http://127.0.0.1:" + port;
      awaitReady(base, server, log);
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/images/generations"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"model\":\"gpt-image-1\",\"prompt\":\"a lighthouse\","
                              + "\"size\":\"1024x1024\",\"seed\":7}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-easel-seeds")).contains("7");
      JsonNode body = new ObjectMapper().readTree(r.body());
      DecodedImage image =
          ImageDecoder.decode(Base64.getDecoder().decode(body.at("/data/0/b64_json").asText()));
      assertThat(image.image().width()).isEqualTo(1024);
      assertThat(image.image().height()).isEqualTo(1024);
    } finally {
      server.destroy();
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stops within a minute").isTrue();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(server.exitValue()).as("the JVM's exit status after SIGTERM").isEqualTo(143);
    assertThat(output).contains("Easel serves the OpenAI Images API", "stopped");
    assertThat(output).doesNotContain("Exception", "\tat ");
  }

  private static void awaitReady(String base, Process server, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      assertThat(server.isAlive()).as("server running: %s", read(log)).isTrue();
      try {
        HttpResponse<String> ready =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (ConnectException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("server not ready after 180 s: " + read(log));
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }
}
