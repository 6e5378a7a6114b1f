package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.config.Config;
import dev.easel.config.Settings;
import dev.easel.engine.BackgroundMatting;
import dev.easel.engine.TinyMattingModel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnginesTest {
  private static final Path MODEL = TinyMattingModel.write(32);

  static BackgroundMatting matting(String normalization, String output) {
    return Engines.matting(
        Config.load(
            null,
            Map.of(),
            Map.of(
                "matting.model",
                MODEL.toString(),
                "matting.size",
                "32",
                "matting.normalization",
                normalization,
                "matting.output",
                output)));
  }

  @Test
  void everyMattingSettingValueLoads() {
    for (String normalization : Settings.MATTING_NORMALIZATION.allowed()) {
      try (BackgroundMatting m = matting(normalization, "min-max")) {
        assertThat(m).as(normalization).isNotNull();
      }
    }
    for (String output : Settings.MATTING_OUTPUT.allowed()) {
      try (BackgroundMatting m = matting("imagenet", output)) {
        assertThat(m).as(output).isNotNull();
      }
    }
  }

  @Test
  void noMattingModelIsNoMatting() {
    assertThat(Engines.matting(Config.load(null, Map.of(), Map.of()))).isNull();
  }
}
