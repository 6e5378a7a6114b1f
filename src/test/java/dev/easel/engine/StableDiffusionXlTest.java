package dev.easel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.engine.GenerationRequest.Mode;
import dev.easel.image.RgbaImage;
import dev.easel.model.Architecture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SDXL path on the tiny SDXL-shaped model: two text encoders, text_embeds and time_ids. */
class StableDiffusionXlTest {
  static StableDiffusionPipeline xl;

  @BeforeAll
  static void load() {
    xl = TinyModels.load(Architecture.TINY_XL, false);
  }

  @AfterAll
  static void close() {
    xl.close();
  }

  static RgbaImage image(Requests r) {
    return xl.generate(r.build(), ProgressListener.NONE, new Cancellation())
        .images()
        .get(0)
        .image();
  }

  @Test
  void generatesDeterministicallyWithBothEncoders() {
    assertThat(xl.capabilities().architecture()).isEqualTo("tiny-xl");
    Requests request = Requests.textToImage().size(32, 48).guidance(5.0).seed(9L);
    RgbaImage first = image(request);
    assertThat(first.width()).isEqualTo(32);
    assertThat(first.height()).isEqualTo(48);
    assertThat(Pictures.spread(first)).isGreaterThan(1);
    assertThat(image(request).rgba()).isEqualTo(first.rgba());
    assertThat(image(Requests.textToImage().size(32, 48).guidance(5.0).seed(10L)).rgba())
        .isNotEqualTo(first.rgba());
  }

  @Test
  void anEmptyNegativePromptIsZeroConditioning() {
    Conditioning[] cond = xl.textConditioner().encode("a red fox", null);
    assertThat(cond[0].hidden().shape()).containsExactly(1, 77, cond[0].hidden().dim(2));
    assertThat(cond[0].pooled()).isNotNull();
    assertThat(cond[1].hidden().shape()).isEqualTo(cond[0].hidden().shape());
    assertThat(cond[1].hidden().data()).containsOnly(0f);
    assertThat(cond[1].pooled().data()).containsOnly(0f);
    assertThat(cond[0].hidden().data()).isNotEqualTo(new float[cond[0].hidden().data().length]);
    Conditioning[] blank = xl.textConditioner().encode("a red fox", "  ");
    assertThat(blank[1].hidden().data()).containsOnly(0f);
    Conditioning[] negative = xl.textConditioner().encode("a red fox", "blurry");
    assertThat(negative[1].pooled().data()).isNotEqualTo(new float[cond[1].pooled().data().length]);
    RgbaImage plain = image(Requests.textToImage().guidance(5.0));
    assertThat(image(Requests.textToImage().guidance(5.0).negative("")).rgba())
        .isEqualTo(plain.rgba());
    assertThat(
            Pictures.maxDifference(
                image(Requests.textToImage().guidance(5.0).negative("blurry")), plain))
        .isGreaterThan(10);
  }

  @Test
  void editsAndVariationsRunOnXl() {
    RgbaImage source = Pictures.disc(32, 32);
    RgbaImage out =
        image(
            Requests.of(Mode.INPAINT, source)
                .mask(Pictures.mask(32, 32, (x, y) -> x < 16 ? 255 : 0)));
    assertThat(out.channel(3, 3, 0)).isEqualTo(source.channel(3, 3, 0));
    RgbaImage variation = image(Requests.of(Mode.VARIATION, source).prompt(""));
    assertThat(variation.width()).isEqualTo(32);
  }

  @Test
  void theSd15StyleModelEncodesAnEmptyNegativePrompt() {
    try (StableDiffusionPipeline sd = TinyModels.load(Architecture.TINY, false)) {
      Conditioning[] cond = sd.textConditioner().encode("a red fox", null);
      assertThat(cond[1].pooled()).isNull();
      assertThat(cond[1].hidden().data()).isNotEqualTo(new float[cond[1].hidden().data().length]);
    }
  }
}
