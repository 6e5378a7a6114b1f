package dev.easel.api;

import dev.easel.config.Config;
import dev.easel.engine.ImageGenerator;

/**
 * Loads one model for {@code easel serve --model NAME|DIR}: a local folder, a name in the models
 * folder, or a cached model. This is where the diffusion engine plugs into the server.
 */
@FunctionalInterface
public interface ModelLoader {
  /**
   * @param spec what followed {@code --model}
   * @param config the effective configuration (device, threads, models folder)
   * @throws Exception with a message a user can act on when the model cannot be loaded
   */
  ImageGenerator load(String spec, Config config) throws Exception;

  /** The loader of a build without a diffusion engine: every model fails to load. */
  ModelLoader NONE =
      (spec, config) -> {
        throw new UnsupportedOperationException(
            "this build of Easel has no diffusion engine, so model '"
                + spec
                + "' cannot be loaded");
      };
}
