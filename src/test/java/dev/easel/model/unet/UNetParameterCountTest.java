package dev.easel.model.unet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.testing.ShapeRecorder;
import org.junit.jupiter.api.Test;

/**
 * The real architectures ask for exactly the tensors of the published checkpoints: the parameter
 * counts of diffusers' SD 1.5, SD 2.1 and SDXL UNets.
 */
class UNetParameterCountTest {
  private static long parameters(UNet2DConditionConfig cfg) {
    ShapeRecorder w = new ShapeRecorder();
    UNet2DConditionModel.build(cfg, w);
    return w.parameters();
  }

  @Test
  void sd15HasTheCheckpointsParameterCount() {
    assertThat(parameters(UNet2DConditionConfig.sd15())).isEqualTo(859_520_964L);
  }

  @Test
  void sd21AndSdTurboHaveTheCheckpointsParameterCount() {
    assertThat(parameters(UNet2DConditionConfig.sd21())).isEqualTo(865_910_724L);
    assertThat(parameters(UNet2DConditionConfig.sdTurbo())).isEqualTo(865_910_724L);
  }

  @Test
  void sdxlAndSdxlTurboHaveTheCheckpointsParameterCount() {
    assertThat(parameters(UNet2DConditionConfig.sdxl())).isEqualTo(2_567_463_684L);
    assertThat(parameters(UNet2DConditionConfig.sdxlTurbo())).isEqualTo(2_567_463_684L);
  }

  @Test
  void inpaintingAddsOnlyTheWiderInputConvolution() {
    long base = parameters(UNet2DConditionConfig.sd15());
    long inpainting = parameters(UNet2DConditionConfig.sd15().withInChannels(9));
    assertThat(inpainting - base).isEqualTo(5L * 320 * 3 * 3);
  }
}
