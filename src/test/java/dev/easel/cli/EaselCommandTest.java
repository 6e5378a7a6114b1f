package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EaselCommandTest {
  @Test
  void helpListsGlobalOptions() {
    CliRun run = CliRun.of("--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: easel", "--config", "--verbose", "--version");
  }

  @Test
  void versionNamesEaselAndJava() {
    CliRun run = CliRun.of("--version");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("easel ").contains("Java ");
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRun run = CliRun.of("nosuchcommand");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("nosuchcommand").doesNotContain("Exception", "\tat ");
  }

  @Test
  void unknownOptionIsAUsageError() {
    CliRun run = CliRun.of("--frobnicate");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--frobnicate");
  }

  @Test
  void invalidConfigurationValueNamesKeyAndAllowedValues(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("easel.yaml");
    Files.writeString(file, "runtime:\n  device: tpu\n");
    CliRun run = CliRun.of("--config", file.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("runtime.device", "cpu, cuda", "tpu").doesNotContain("\tat ");
  }
}
