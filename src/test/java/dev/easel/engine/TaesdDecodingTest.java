package dev.easel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.image.RgbaImage;
import dev.easel.model.Architecture;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Random models carry a taesd/ autoencoder: previews use it, and it can decode final images. */
class TaesdDecodingTest {
  @Test
  void randomModelsShipATaesdComponent() {
    assertThat(
            Files.isRegularFile(
                TinyModels.folder(Architecture.TINY, false).resolve("taesd/config.json")))
        .isTrue();
  }

  @Test
  void taesdDecodesFinalImagesDifferentlyFromTheVae() {
    GenerationRequest request = Requests.textToImage().n(1).seed(3L).build();
    try (StableDiffusionPipeline vae = TinyModels.load(Architecture.TINY, false);
        StableDiffusionPipeline taesd = TinyModels.loadWithTaesdDecoder(Architecture.TINY)) {
      RgbaImage a = firstImage(vae, request);
      RgbaImage b = firstImage(taesd, request);
      assertThat(b.width()).isEqualTo(a.width());
      assertThat(b.height()).isEqualTo(a.height());
      assertThat(b.rgba()).isNotEqualTo(a.rgba());
    }
  }

  @Test
  void modelsDecodingWithTaesdStillEncodeImagesForEdits() {
    GenerationRequest request =
        Requests.of(GenerationRequest.Mode.IMAGE_TO_IMAGE, Pictures.disc(64, 64))
            .steps(4)
            .strength(0.5)
            .seed(2L)
            .build();
    try (StableDiffusionPipeline taesd = TinyModels.loadWithTaesdDecoder(Architecture.TINY)) {
      RgbaImage out = firstImage(taesd, request);
      assertThat(out.width()).isEqualTo(64);
      assertThat(out.height()).isEqualTo(64);
    }
  }

  @Test
  void previewsComeFromTaesd() {
    List<RgbaImage> previews = new ArrayList<>();
    GenerationRequest request = Requests.textToImage().n(1).seed(3L).steps(4).previews(2).build();
    try (StableDiffusionPipeline p = TinyModels.load(Architecture.TINY, false)) {
      p.generate(
          request,
          new ProgressListener() {
            @Override
            public void onPreview(int index, int previewNumber, RgbaImage preview) {
              previews.add(preview);
            }
          },
          new Cancellation());
    }
    assertThat(previews).hasSize(2);
    assertThat(previews.get(0).width()).isEqualTo(request.width());
  }

  private static RgbaImage firstImage(StableDiffusionPipeline p, GenerationRequest request) {
    return p.generate(request, ProgressListener.NONE, new Cancellation()).images().get(0).image();
  }
}
