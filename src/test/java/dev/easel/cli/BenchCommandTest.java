package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.testing.CliRun;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  @Test
  void reportsPeakAndComponentRates() {
    CliRun run = CliRun.of("bench", "--size", "64", "--repeat", "1", "--peak-size", "256");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).containsPattern("peak: \\d+\\.\\d GFLOP/s").contains("| taesd_decoder |");
  }

  @Test
  void refusesSizesThatAreNotMultiplesOfEight() {
    CliRun run = CliRun.of("bench", "--size", "100");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--size");
  }
}
