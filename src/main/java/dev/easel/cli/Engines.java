package dev.easel.cli;

import dev.easel.config.Config;
import dev.easel.config.Settings;
import dev.easel.engine.BackgroundMatting;
import dev.easel.engine.EngineOptions;
import dev.easel.engine.StableDiffusionLoader;
import dev.easel.engine.StableDiffusionPipeline;
import java.nio.file.Path;
import java.util.Locale;

/** Loads a model folder with the engine settings of the configuration. */
final class Engines {
  private Engines() {}

  static StableDiffusionPipeline load(Path modelDir, Config config) {
    return StableDiffusionLoader.load(
        modelDir,
        new dev.easel.runtime.OnnxRuntimes(dev.easel.runtime.RuntimeOptions.from(config)),
        options(config));
  }

  /** The configured background-removal model (matting.*), loaded and tried; null when none. */
  static BackgroundMatting matting(Config config) {
    String model = config.get(Settings.MATTING_MODEL);
    if (model.isEmpty()) {
      return null;
    }
    try {
      return BackgroundMatting.load(
          new dev.easel.runtime.OnnxRuntimes(dev.easel.runtime.RuntimeOptions.from(config)),
          new BackgroundMatting.Options(
              Path.of(model),
              config.getInt(Settings.MATTING_SIZE),
              BackgroundMatting.Normalization.valueOf(
                  config
                      .get(Settings.MATTING_NORMALIZATION)
                      .replace('-', '_')
                      .toUpperCase(Locale.ROOT)),
              BackgroundMatting.Output.valueOf(
                  config.get(Settings.MATTING_OUTPUT).replace('-', '_').toUpperCase(Locale.ROOT))));
    } catch (RuntimeException e) {
      throw new UsageException("matting.model: " + e.getMessage());
    }
  }

  /** The engine settings of the configuration, checked. */
  static EngineOptions options(Config config) {
    return new EngineOptions(
        config.getInt(Settings.ENGINE_MAX_BATCH),
        "taesd".equals(config.get(Settings.ENGINE_DECODER)),
        (long) config.getInt(Settings.ENGINE_ATTENTION_MEMORY) << 20,
        config.getInt(Settings.ENGINE_WINOGRAD_LEVELS),
        config.getBoolean(Settings.ENGINE_VAE_WINOGRAD));
  }
}
