package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.testing.CliRun;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  @Test
  void reportsPeakAndComponentRates() {
    CliRun run = CliRun.of("bench", "--size", "64", "--repeat", "1", "--peak-size", "256");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("peak: \\d+\\.\\d GFLOP/s")
        .contains("| weights (GB) | peak resident (GB) |")
        .containsPattern("\\| taesd_decoder \\| 64² \\|( [0-9.]+%? \\|){5}");
  }

  @Test
  void timesAModelEndToEnd(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path model = dir.resolve("tiny");
    assertThat(CliRun.of("random-model", model.toString(), "--arch", "tiny").exitCode()).isZero();
    CliRun run =
        CliRun.of(
            "bench",
            "--size",
            "64",
            "--repeat",
            "1",
            "--peak-size",
            "128",
            "--model",
            model.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("| 64² | 1 | 4 |").contains("peak resident memory");
  }

  @Test
  void unknownComponentsAreNamed() {
    CliRun run = CliRun.of("bench", "--components", "transformer");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("transformer", "unet");
  }

  @Test
  void checksTheEngineSettingsItBuildsWith() {
    CliRun run = CliRun.of("--set", "engine.winograd-levels=-1", "bench", "--size", "64");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("'engine.winograd-levels' (from command line) must be 0 or more");
    assertThat(run.out()).doesNotContain("peak:");
  }

  @Test
  void refusesSizesThatAreNotMultiplesOfEight() {
    CliRun run = CliRun.of("bench", "--size", "100");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--size");
  }
}
