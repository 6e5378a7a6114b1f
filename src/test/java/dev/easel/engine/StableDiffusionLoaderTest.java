package dev.easel.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.model.Architecture;
import dev.easel.model.RandomModel;
import dev.easel.model.safetensors.DType;
import dev.easel.model.safetensors.SafeTensorsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UNet loads on its own thread: a broken component on either side fails the whole load. */
class StableDiffusionLoaderTest {
  @TempDir Path dir;

  private Path modelWithTruncated(String component) throws IOException {
    Path model = dir.resolve("model");
    RandomModel.write(model, Architecture.TINY, false, 7, DType.F32, null);
    try (Stream<Path> files = Files.list(model.resolve(component))) {
      Path weights =
          files.filter(p -> p.toString().endsWith(".safetensors")).findFirst().orElseThrow();
      byte[] bytes = Files.readAllBytes(weights);
      Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 64));
    }
    return model;
  }

  @Test
  void aBrokenUnetFailsTheLoadNamingItsFile() throws IOException {
    Path model = modelWithTruncated("unet");
    assertThatThrownBy(() -> TinyModels.load(model, 1))
        .isInstanceOf(SafeTensorsException.class)
        .hasMessageContaining("unet/diffusion_pytorch_model.safetensors: truncated");
  }

  @Test
  void aBrokenTextEncoderFailsTheLoadWhileTheUnetLoadsBesideIt() throws IOException {
    Path model = modelWithTruncated("text_encoder");
    assertThatThrownBy(() -> TinyModels.load(model, 1))
        .isInstanceOf(SafeTensorsException.class)
        .hasMessageContaining("text_encoder/model.safetensors: truncated");
  }
}
