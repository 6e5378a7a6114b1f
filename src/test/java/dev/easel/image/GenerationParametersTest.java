package dev.easel.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenerationParametersTest {

  @Test
  void formatsInTheWebUiLayout() {
    GenerationParameters p =
        new GenerationParameters(
            "a prompt", "blurry", 20, "Euler a", 7, 42, 512, 512, "sd-turbo", Map.of());
    assertThat(p.format())
        .isEqualTo(
            "a prompt\nNegative prompt: blurry\n"
                + "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512,"
                + " Model: sd-turbo");
  }

  @Test
  void roundTripsWithQuotedValuesAndExtras() {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("Denoising strength", "0.75");
    extra.put("Lora hashes", "\"quoted\", a: b\nnext");
    GenerationParameters p =
        new GenerationParameters(
            "a castle, at dusk\nsecond line: detailed",
            "low quality, text",
            4,
            "DPM++ 2M Karras",
            7.5,
            1234567890123L,
            768,
            512,
            null,
            extra);
    GenerationParameters back = GenerationParameters.parse(p.format());
    assertThat(back).isEqualTo(p);
    assertThat(back.extra()).containsExactlyEntriesOf(extra);
  }

  @Test
  void parsesAutomatic1111Infotext() {
    String infotext =
        "masterpiece, a cat\n"
            + "Negative prompt: ugly\n"
            + "Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 3141,"
            + " Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly,"
            + " Version: v1.10.1";
    GenerationParameters p = GenerationParameters.parse(infotext);
    assertThat(p.prompt()).isEqualTo("masterpiece, a cat");
    assertThat(p.negativePrompt()).isEqualTo("ugly");
    assertThat(p.steps()).isEqualTo(30);
    assertThat(p.sampler()).isEqualTo("DPM++ 2M");
    assertThat(p.cfgScale()).isEqualTo(6.5);
    assertThat(p.seed()).isEqualTo(3141);
    assertThat(p.width()).isEqualTo(512);
    assertThat(p.height()).isEqualTo(768);
    assertThat(p.model()).isEqualTo("v1-5-pruned-emaonly");
    assertThat(p.extra())
        .containsExactly(
            Map.entry("Schedule type", "Karras"),
            Map.entry("Model hash", "6ce0161689"),
            Map.entry("Version", "v1.10.1"));
  }

  @Test
  void noNegativePromptLeavesTheLineOut() {
    GenerationParameters p =
        new GenerationParameters("x", null, 1, "Euler", 0, 0, 64, 64, "m", null);
    assertThat(p.format())
        .isEqualTo(
            "x\nSteps: 1, Sampler: Euler, CFG scale: 0, Seed: 0," + " Size: 64x64, Model: m");
    assertThat(GenerationParameters.parse(p.format())).isEqualTo(p);
  }

  @Test
  void refusesTextWithoutSettings() {
    assertThatThrownBy(() -> GenerationParameters.parse("just a prompt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lacks 'Size'");
    assertThatThrownBy(
            () ->
                GenerationParameters.parse(
                    "p\nSteps: x, Sampler: a, CFG scale: 1, Seed: 1, Size: 8x8"))
        .hasMessageContaining("malformed number");
  }

  @Test
  void survivesThePngTextChunk() {
    GenerationParameters p =
        new GenerationParameters("ünïcode ✓ prompt", "", 2, "LCM", 1, 7, 32, 16, "lcm", Map.of());
    byte[] png =
        ImageEncoder.encode(
            TestImages.photoLike(32, 16, 1),
            OutputFormat.PNG,
            100,
            Map.of(GenerationParameters.PNG_KEYWORD, p.format()));
    assertThat(GenerationParameters.parse(PngChunks.textChunks(png).get("parameters")))
        .isEqualTo(p);
  }
}
