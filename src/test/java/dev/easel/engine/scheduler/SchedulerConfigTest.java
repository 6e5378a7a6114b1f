package dev.easel.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerConfigTest {

  @Test
  void readsTheKeysItKnowsAndLeavesTheOthersUnset() {
    SchedulerConfig config = Reference.config(Reference.SD15);
    assertThat(config.className()).isEqualTo("PNDMScheduler");
    assertThat(config.betaStart()).isEqualTo(0.00085);
    assertThat(config.betaEnd()).isEqualTo(0.012);
    assertThat(config.betaSchedule()).isEqualTo("scaled_linear");
    assertThat(config.numTrainTimesteps()).isEqualTo(1000);
    assertThat(config.stepsOffset()).isEqualTo(1);
    assertThat(config.setAlphaToOne()).isFalse();
    assertThat(config.clipSample()).isFalse();
    assertThat(config.trainedBetas()).isNull();
    assertThat(config.timestepSpacing()).isNull();
    assertThat(config.predictionType()).isNull();
  }

  @Test
  void acceptsTheInfinityThatDiffusersWrites() {
    SchedulerConfig config =
        SchedulerConfig.parse(
            "{\"_class_name\": \"DPMSolverMultistepScheduler\", \"lambda_min_clipped\": -Infinity,"
                + " \"solver_order\": 2, \"algorithm_type\": \"dpmsolver++\","
                + " \"trained_betas\": [0.1, 0.2], \"some_future_key\": {\"a\": 1}}");
    assertThat(config.lambdaMinClipped()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(config.solverOrder()).isEqualTo(2);
    assertThat(config.trainedBetas()).containsExactly(0.1, 0.2);
  }

  @Test
  void aValueOfTheWrongTypeNamesItsKey() {
    assertThatThrownBy(() -> SchedulerConfig.parse("{\"num_train_timesteps\": \"many\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("num_train_timesteps");
    assertThatThrownBy(() -> SchedulerConfig.parse("{not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void withSetsOneKeyAndKeepsTheRest() {
    SchedulerConfig config = Reference.config(Reference.SD15).with("use_karras_sigmas", true);
    assertThat(config.useKarrasSigmas()).isTrue();
    assertThat(config.className()).isEqualTo("PNDMScheduler");
    assertThat(config.betaStart()).isEqualTo(0.00085);
    assertThat(config.timestepSpacing()).isNull();
  }

  @Test
  void readsAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("scheduler_config.json");
    Files.writeString(file, Reference.SD_TURBO);
    assertThat(SchedulerConfig.read(file).timestepSpacing()).isEqualTo("trailing");
    Files.writeString(file, "{\"beta_start\": [1]}");
    assertThatThrownBy(() -> SchedulerConfig.read(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("beta_start");
  }
}
