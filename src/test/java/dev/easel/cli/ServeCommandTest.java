package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.engine.TinyMattingModel;
import dev.easel.testing.CliRun;
import org.junit.jupiter.api.Test;

class ServeCommandTest {
  @Test
  void printsTheHashToConfigureForAKey() {
    CliRun run = CliRun.of("serve", "--print-key-hash", "abc");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out().trim())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void helpNamesTheOptions() {
    CliRun run = CliRun.of("serve", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--host", "--port", "--model", "--print-key-hash");
  }

  @Test
  void badPortIsAUsageError() {
    CliRun run = CliRun.of("serve", "--port", "70000");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--port").doesNotContain("\tat ");
  }

  @Test
  void badKeyHashIsAUsageError() {
    CliRun run = CliRun.of("--set", "server.api-key-hashes=nothex", "serve", "--port", "0");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("server.api-key-hashes", "64 hex digits");
  }

  @Test
  void aMattingModelThatDoesNotRunIsAUsageError() {
    CliRun run =
        CliRun.of(
            "--set",
            "matting.model=" + TinyMattingModel.write(32),
            "--set",
            "matting.size=64",
            "serve",
            "--port",
            "0");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("matting.model:", "does not run as a matting model")
        .doesNotContain("\tat ");
  }
}
