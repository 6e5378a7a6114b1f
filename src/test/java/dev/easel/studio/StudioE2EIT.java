package dev.easel.studio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.easel.api.ApiKeys;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives Easel Studio in a real headless Chromium ({@code src/test/studio/e2e.mjs}, Playwright's
 * {@code playwright-core}) against {@code ./easel serve} with a tiny random model, as a user would.
 * Skipped, with the reason, when Node.js 18+, Chromium or the npm packages ({@code npm ci} in
 * {@code src/test/studio}) are missing. Screenshots go to {@code target/studio-screenshots/}.
 */
class StudioE2EIT {
  private static final String KEY = "sk-e2e-" + Long.toHexString(System.nanoTime());
  private static final Pattern STUDIO_URL = Pattern.compile("Easel Studio: (http://\\S+)/");

  @TempDir Path tmp;

  static Path home() {
    return Path.of(System.getProperty("easel.home", ".")).toAbsolutePath();
  }

  @Test
  void studioWorksEndToEndInChromium() throws Exception {
    Path tests = home().resolve("src/test/studio");
    Optional<String> node = nodeVersion();
    skipUnless(
        node.isPresent() && node.get().matches("v(1[89]|[2-9]\\d)\\..*"),
        "Studio e2e test skipped: Node.js 18 or newer is not on the PATH (found "
            + node.orElse("none")
            + ")");
    Optional<Path> chromium = chromium();
    skipUnless(
        chromium.isPresent(),
        "Studio e2e test skipped: no Chromium found (set CHROMIUM or install chromium, e.g."
            + " apt-get install chromium)");
    skipUnless(
        Files.isDirectory(tests.resolve("node_modules/playwright-core")),
        "Studio e2e test skipped: run 'npm ci' in src/test/studio to install playwright-core");

    Path model = tmp.resolve("tiny");
    Process make = easel(List.of("random-model", model.toString(), "--arch", "tiny"), null);
    assertThat(make.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(make.exitValue()).isZero();

    Path serverLog = home().resolve("target/studio-e2e-server.log");
    Process server =
        easel(
            List.of(
                "serve",
                "--model",
                model.toString(),
                "--port",
                "0",
                "--set",
                "server.api-key-hashes=" + ApiKeys.hash(KEY),
                "--set",
                "studio.dir=" + tmp.resolve("studio"),
                "--set",
                "server.shutdown-timeout-seconds=5"),
            serverLog);
    try {
      String url = awaitUrl(server, serverLog);
      Path out = home().resolve("target/studio-e2e.log");
      ProcessBuilder pb =
          new ProcessBuilder("node", "e2e.mjs")
              .directory(tests.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile());
      pb.environment().put("EASEL_URL", url);
      pb.environment().put("EASEL_KEY", KEY);
      pb.environment().put("CHROMIUM", chromium.get().toString());
      pb.environment().put("SCREENSHOTS", home().resolve("target/studio-screenshots").toString());
      Process e2e = pb.start();
      boolean finished = e2e.waitFor(300, TimeUnit.SECONDS);
      if (!finished) {
        e2e.destroyForcibly();
      }
      String log = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(finished).as("the e2e run finished within 5 minutes:\n" + log).isTrue();
      assertThat(e2e.exitValue()).as(log).isZero();
      assertThat(log).contains("[e2e] all checks passed");
    } finally {
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /** Skips with the reason, also printed so that it shows in the build log. */
  private static void skipUnless(boolean condition, String reason) {
    if (!condition) {
      System.out.println("[WARNING] " + reason);
    }
    assumeTrue(condition, reason);
  }

  private static Process easel(List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(home().resolve("easel").toString());
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(home().toFile()).redirectErrorStream(true);
    pb.environment().remove("JAVA_HOME");
    pb.redirectOutput(
        log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
    return pb.start();
  }

  private static String awaitUrl(Process server, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      Matcher m = STUDIO_URL.matcher(text);
      if (m.find()) {
        return m.group(1);
      }
      if (!server.isAlive()) {
        throw new AssertionError("easel serve exited early:\n" + text);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("easel serve did not start within 2 minutes");
  }

  private static Optional<String> nodeVersion() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0
          ? Optional.of(v)
          : Optional.empty();
    } catch (IOException | InterruptedException e) {
      return Optional.empty();
    }
  }

  /** $CHROMIUM, else the usual Chromium and Chrome names on the PATH. */
  private static Optional<Path> chromium() {
    String configured = System.getenv("CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
        .flatMap(
            name ->
                Stream.of(path.split(File.pathSeparator))
                    .filter(d -> !d.isEmpty())
                    .map(d -> Path.of(d, name)))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
