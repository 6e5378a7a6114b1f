package dev.easel.model.vae;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.model.ComponentLoader;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.testing.Reference;
import dev.easel.testing.SharedAssets;
import dev.easel.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real pre-exported ONNX components (VAElight) in Optimum's layout load without building. */
class PreExportedVaeTest {
  private final OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());

  private static Path component(Path root, String name, Path onnx) throws Exception {
    Path dir = Files.createDirectories(root.resolve(name));
    Files.copy(onnx, dir.resolve(ComponentLoader.MODEL_FILE));
    return dir;
  }

  @Test
  void vaelightRoundTripsTheAstronautAbove20dB(@TempDir Path model) throws Exception {
    FloatTensor image = TestImages.load(SharedAssets.require("images/astronaut.png"), 512, 512);
    Path encoderDir =
        component(model, "vae_encoder", SharedAssets.require("vaelight/VAEencoder.onnx"));
    Path decoderDir =
        component(model, "vae_decoder", SharedAssets.require("vaelight/VAEpreview.onnx"));
    Path diffusersVae = model.resolve("vae"); // absent: the pre-exported graphs must be used
    assertThat(ComponentLoader.isPreExported(encoderDir)).isTrue();

    FloatTensor latent;
    try (OnnxSession enc =
        ComponentLoader.open(
            runtimes,
            encoderDir,
            diffusersVae,
            (c, w) -> AutoencoderKL.encoder(AutoencoderKLConfig.from(c), w))) {
      latent = enc.run(Map.of("input", image)).get("latent");
    }
    assertThat(latent.shape()).containsExactly(1, 4, 64, 64);

    Map<String, FloatTensor> pyramid;
    try (OnnxSession dec =
        ComponentLoader.open(
            runtimes,
            decoderDir,
            diffusersVae,
            (c, w) -> AutoencoderKL.decoder(AutoencoderKLConfig.from(c), w))) {
      pyramid = dec.run(Map.of("latent", latent));
    }
    assertThat(pyramid.keySet()).containsExactlyInAnyOrder("output", "101", "92", "77");
    double[] sum = new double[3 * 512 * 512];
    for (FloatTensor level : pyramid.values()) {
      int h = (int) level.dim(2);
      int w = (int) level.dim(3);
      double[] up =
          Reference.upsampleNearest(Reference.toDouble(level.data()), 1, 3, h, w, 512 / h);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += up[i];
      }
    }
    float[] decoded = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      decoded[i] = (float) sum[i];
    }
    double psnr = TestImages.psnr(image, new FloatTensor(new long[] {1, 3, 512, 512}, decoded));
    assertThat(psnr).isGreaterThan(20);
  }
}
