package dev.easel.model.vae;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.model.weights.SafeTensorsWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import dev.easel.runtime.RuntimeOptions;
import dev.easel.testing.SharedAssets;
import dev.easel.testing.TestImages;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoencoderTinyTest {
  private final OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());

  @Test
  void configJsonRoundTrips() {
    AutoencoderTinyConfig cfg = AutoencoderTinyConfig.sd(4);
    AutoencoderTinyConfig back =
        AutoencoderTinyConfig.from(
            dev.easel.model.ComponentConfig.of(java.nio.file.Path.of("config.json"), cfg.toJson()));
    assertThat(back.toJson()).isEqualTo(cfg.toJson());
    assertThat(back.latentChannels()).isEqualTo(4);
    assertThat(back.numDecoderBlocks()).containsExactly(3, 3, 3, 1);
  }

  @Test
  void realTaef2WeightsRoundTripTheAstronautAbove28dB() throws Exception {
    var image = TestImages.load(SharedAssets.require("images/astronaut.png"), 512, 512);
    AutoencoderTinyConfig cfg = AutoencoderTinyConfig.sd(32).withPooledBlocks(true);
    FloatTensor latent;
    try (var w = SafeTensorsWeights.of(SharedAssets.require("taesd/taef2_encoder.safetensors"));
        OnnxSession enc =
            runtimes.open(AutoencoderTiny.encoder(cfg, w, AutoencoderTiny.Layout.ORIGINAL))) {
      latent = enc.runSingle(Map.of(AutoencoderTiny.IMAGE, image));
      assertThat(w.unused()).isEmpty();
    }
    assertThat(latent.shape()).containsExactly(1, 32, 64, 64);
    FloatTensor decoded;
    try (var w = SafeTensorsWeights.of(SharedAssets.require("taesd/taef2_decoder.safetensors"));
        OnnxSession dec =
            runtimes.open(AutoencoderTiny.decoder(cfg, w, AutoencoderTiny.Layout.ORIGINAL))) {
      decoded = dec.runSingle(Map.of(AutoencoderTiny.LATENT, latent));
      assertThat(w.unused()).isEmpty();
    }
    assertThat(decoded.shape()).containsExactly(1, 3, 512, 512);
    assertThat(TestImages.psnr(image, decoded)).isGreaterThan(28);
  }
}
