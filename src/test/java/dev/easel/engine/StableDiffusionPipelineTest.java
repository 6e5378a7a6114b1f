package dev.easel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.engine.GenerationRequest.Mode;
import dev.easel.image.RgbaImage;
import dev.easel.model.Architecture;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StableDiffusionPipelineTest {
  static StableDiffusionPipeline tiny;

  @BeforeAll
  static void load() {
    tiny = TinyModels.load(Architecture.TINY, false);
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  static GenerationRequest textToImage(int n, long seed) {
    return new GenerationRequest(
        Mode.TEXT_TO_IMAGE,
        "a red fox",
        null,
        64,
        64,
        n,
        seed,
        3,
        null,
        null,
        null,
        List.of(),
        null,
        0);
  }

  @Test
  void textToImageMakesTheRequestedImagesWithTheirSeeds() {
    GenerationResult r =
        tiny.generate(textToImage(2, 42), ProgressListener.NONE, new Cancellation());
    assertThat(r.images()).hasSize(2);
    assertThat(r.images().get(0).seed()).isEqualTo(42);
    assertThat(r.images().get(1).seed()).isEqualTo(43);
    RgbaImage img = r.images().get(0).image();
    assertThat(img.width()).isEqualTo(64);
    assertThat(img.height()).isEqualTo(64);
    assertThat(r.images().get(0).image().rgba()).isNotEqualTo(r.images().get(1).image().rgba());
  }
}
