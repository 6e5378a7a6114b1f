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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  /** The UNet loads on its own thread beside the others; a failure on either side is the load's. */
  @ParameterizedTest
  @CsvSource({
    "unet, unet/diffusion_pytorch_model.safetensors",
    "text_encoder, text_encoder/model.safetensors"
  })
  void aBrokenComponentFailsTheLoadNamingItsFile(String component, String file) throws IOException {
    Path model = modelWithTruncated(component);
    assertThatThrownBy(() -> TinyModels.load(model, 1))
        .isInstanceOf(SafeTensorsException.class)
        .hasMessageContaining(file + ": truncated");
  }
}
