package dev.easel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.model.Architecture;
import dev.easel.model.unet.UNet2DConditionConfig;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.RuntimeOptions;
import org.junit.jupiter.api.Test;

class AttentionBudgetTest {
  private static final long GB = 1L << 30;

  @Test
  void sd15AttentionAtNativeSizeFitsAndAtTwiceTheSideDoesNot() {
    AttentionBudget b = AttentionBudget.of(6 * GB, UNet2DConditionConfig.sd15(), 8);
    // level 0: 8 heads over 64×64 = 4096 tokens → 2·8·4096²·4 bytes = 1 GiB per row
    assertThat(b.bytesPerRow(512 * 512)).isEqualTo(GB);
    assertThat(b.rowsPerCall(512 * 512, 8)).isEqualTo(6);
    assertThat(b.bytesPerRow(1024 * 1024)).isEqualTo(16 * GB);
    assertThat(b.maxPixels()).isBetween(512L * 512, 1024L * 1024);
    assertThat(b.bytesPerRow(b.maxPixels())).isLessThanOrEqualTo(6 * GB);
  }

  @Test
  void sdxlHasNoAttentionAtFullLatentResolution() {
    AttentionBudget b = AttentionBudget.of(6 * GB, UNet2DConditionConfig.sdxl(), 8);
    assertThat(b.levels()).noneMatch(l -> l.downscale() == 8);
    assertThat(b.maxPixels()).isGreaterThan(1024L * 1024);
  }

  @Test
  void aRowIsAlwaysAllowedEvenOverBudget() {
    AttentionBudget b = AttentionBudget.of(1, UNet2DConditionConfig.tiny(), 2);
    assertThat(b.rowsPerCall(64 * 64, 8)).isEqualTo(1);
  }

  @Test
  void sizesBeyondTheBudgetAreRefusedBeforeAnyWork() {
    OnnxRuntimes runtimes = new OnnxRuntimes(RuntimeOptions.cpu());
    try (StableDiffusionPipeline p =
        StableDiffusionLoader.load(
            TinyModels.folder(Architecture.TINY, false),
            runtimes,
            new EngineOptions(4, false, 64L << 20, 2, true))) {
      long max = p.capabilities().maxPixels();
      assertThat(max).isLessThan(256L * 256);
      GenerationRequest big = Requests.textToImage().size(256, 256).n(1).seed(1L).build();
      assertThatThrownBy(() -> p.generate(big, ProgressListener.NONE, new Cancellation()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("engine.attention-memory-mb");
    }
  }
}
