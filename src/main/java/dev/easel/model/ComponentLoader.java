package dev.easel.model;

import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.weights.SafeTensorsWeights;
import dev.easel.model.weights.Weights;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens one model component, pre-exported or built: a folder holding {@code model.onnx} (Optimum's
 * layout, external data beside it) is loaded as it is; otherwise the diffusers folder's {@code
 * config.json} and safetensors weights are handed to the component's graph builder.
 */
public final class ComponentLoader {
  /** The graph file of a pre-exported component folder. */
  public static final String MODEL_FILE = "model.onnx";

  private ComponentLoader() {}

  /** Builds a component's graph from its config and weights. */
  @FunctionalInterface
  public interface GraphFactory {
    OnnxGraph build(ComponentConfig config, Weights weights);
  }

  /** Whether {@code dir} holds a pre-exported {@code model.onnx}. */
  public static boolean isPreExported(Path dir) {
    return Files.isRegularFile(dir.resolve(MODEL_FILE));
  }

  /** Opens {@code dir}: pre-exported when it holds {@code model.onnx}, else built. */
  public static OnnxSession open(OnnxRuntimes runtimes, Path dir, GraphFactory factory) {
    return open(runtimes, dir, dir, factory);
  }

  /**
   * Opens a component whose pre-exported folder and diffusers folder differ (Optimum keeps the VAE
   * as {@code vae_encoder/} and {@code vae_decoder/}, diffusers as one {@code vae/}): {@code
   * exported/model.onnx} when present, else a graph built from {@code source}.
   */
  public static OnnxSession open(
      OnnxRuntimes runtimes, Path exported, Path source, GraphFactory factory) {
    if (isPreExported(exported)) {
      return runtimes.open(exported.resolve(MODEL_FILE));
    }
    return runtimes.open(build(source, factory));
  }

  /**
   * About how much memory the component's weights take once opened: its parameters as float32 (how
   * built graphs hold them, whatever the stored type), or the size of a pre-exported graph and its
   * external data. Read from the safetensors headers, without loading.
   */
  public static long weightBytes(Path dir) {
    if (isPreExported(dir)) {
      try (var files = Files.list(dir)) {
        return files
            .filter(p -> p.getFileName().toString().startsWith(MODEL_FILE))
            .mapToLong(p -> p.toFile().length())
            .sum();
      } catch (java.io.IOException e) {
        throw new ModelException(dir + ": cannot list: " + e.getMessage(), e);
      }
    }
    try (SafeTensorsWeights weights = SafeTensorsWeights.openComponent(dir, false)) {
      return weights.keys().stream().mapToLong(k -> weights.info(k).elementCount() * 4).sum();
    }
  }

  /** Builds the graph of a diffusers component folder (config.json + safetensors). */
  public static OnnxGraph build(Path source, GraphFactory factory) {
    if (!Files.isDirectory(source)) {
      throw new ModelException(source + ": missing component folder");
    }
    ComponentConfig config = ComponentConfig.read(source);
    // Mapped float32 weights stay valid after the files are closed; the graph keeps them alive.
    try (SafeTensorsWeights weights = SafeTensorsWeights.openComponent(source, false)) {
      return factory.build(config, weights);
    }
  }
}
