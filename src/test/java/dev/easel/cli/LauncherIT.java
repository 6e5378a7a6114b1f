package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@code ./easel} launcher against the packaged jar, as a user would. */
class LauncherIT {
  static Path home() {
    return Path.of(System.getProperty("easel.home", ".")).toAbsolutePath();
  }

  record Result(int code, String out, String err) {}

  static Result easel(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(home().resolve("easel").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(home().toFile());
    pb.environment().remove("JAVA_HOME");
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out, err);
  }

  @Test
  void versionRunsWithoutJavaHome() throws Exception {
    Result r = easel("--version");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("easel 0.1.0");
  }

  @Test
  void unknownCommandExitsTwoWithoutStackTrace() throws Exception {
    Result r = easel("nosuchcommand");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("nosuchcommand").doesNotContain("\tat ");
  }

  @Test
  void winogradSettingsChangeTheFiltersTheGraphsHold(@TempDir Path tmp) throws Exception {
    Path model = tmp.resolve("m");
    assertThat(easel("random-model", model.toString(), "--arch", "tiny").code()).isZero();
    Map<String, Double> direct = loadedWeights(model, tmp.resolve("d.png"), "0", "false");
    Map<String, Double> winograd = loadedWeights(model, tmp.resolve("w.png"), "2", "true");
    assertThat(winograd.get("unet")).isGreaterThan(direct.get("unet"));
    assertThat(winograd.get("vae_encoder")).isGreaterThan(direct.get("vae_encoder"));
    assertThat(winograd.get("text_encoder")).isEqualTo(direct.get("text_encoder"));
  }

  /** Megabytes of weights per graph, from the --verbose load lines of one generation. */
  private static Map<String, Double> loadedWeights(
      Path model, Path out, String unetLevels, String vaeWinograd) throws Exception {
    Result r =
        easel(
            "--verbose",
            "--set",
            "engine.winograd-levels=" + unetLevels,
            "--set",
            "engine.vae-winograd=" + vaeWinograd,
            "generate",
            "--model",
            model.toString(),
            "x",
            "--size",
            "32x32",
            "--steps",
            "1",
            "-o",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    Map<String, Double> mb = new HashMap<>();
    Matcher m = Pattern.compile("loaded (\\w+) \\(([0-9.]+) MB of weights\\)").matcher(r.err());
    while (m.find()) {
      mb.merge(m.group(1), Double.parseDouble(m.group(2)), Math::max);
    }
    return mb;
  }

  @Test
  void verboseLogsDebugLinesInEaselsFormat(@TempDir Path tmp) throws Exception {
    Result r = easel("--verbose", "random-model", tmp.resolve("m").toString(), "--arch", "tiny");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .containsPattern(
            "(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[DEBUG\\] EaselCommand - configuration file")
        .doesNotContain("[main] INFO");
  }
}
