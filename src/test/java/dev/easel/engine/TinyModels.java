package dev.easel.engine;

import dev.easel.model.Architecture;
import dev.easel.model.RandomModel;
import dev.easel.model.safetensors.DType;
import dev.easel.runtime.Device;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tiny random-weight models written once per test JVM in the real diffusers layout and loaded
 * through the real loader: the test double for every pipeline test.
 */
public final class TinyModels {
  private static final Map<String, Path> FOLDERS = new ConcurrentHashMap<>();

  /** One thread per session: tiny graphs gain nothing from more, and test JVMs run side by side. */
  private static final OnnxRuntimes RUNTIMES =
      new OnnxRuntimes(new RuntimeOptions(Device.CPU, 1, 0));

  private TinyModels() {}

  /** The folder of a tiny model ({@code inpainting}: a 9-channel UNet). */
  public static synchronized Path folder(Architecture arch, boolean inpainting) {
    return FOLDERS.computeIfAbsent(
        arch.id() + (inpainting ? "-inpainting" : ""),
        k -> {
          try {
            Path dir = Files.createTempDirectory("easel-" + k).resolve("model");
            RandomModel.write(dir, arch, inpainting, 1234, DType.F32, null);
            return dir;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** Loads a tiny model with up to 4 images per batch. */
  public static StableDiffusionPipeline load(Architecture arch, boolean inpainting) {
    return load(folder(arch, inpainting), 4);
  }

  /** The tiny model decoding its final images with its {@code taesd/} autoencoder. */
  public static StableDiffusionPipeline loadWithTaesdDecoder(Architecture arch) {
    return StableDiffusionLoader.load(
        folder(arch, false),
        RUNTIMES,
        new EngineOptions(
            4,
            true,
            EngineOptions.DEFAULT_ATTENTION_BYTES,
            dev.easel.model.unet.UNet2DConditionModel.DEFAULT_WINOGRAD_LEVELS,
            true));
  }

  /** Loads any model folder on the CPU. */
  public static StableDiffusionPipeline load(Path folder, int maxBatch) {
    return StableDiffusionLoader.load(folder, RUNTIMES, maxBatch);
  }
}
