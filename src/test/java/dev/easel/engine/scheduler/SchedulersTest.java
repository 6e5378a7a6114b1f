package dev.easel.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SchedulersTest {
  private static final SchedulerConfig SD15 = Reference.config(Reference.SD15);

  @Test
  void namesAndClassNamesMapToTheDiffusersClasses() {
    assertThat(Schedulers.create("ddim", SD15)).isInstanceOf(DDIMScheduler.class);
    assertThat(Schedulers.create("euler", SD15)).isInstanceOf(EulerDiscreteScheduler.class);
    assertThat(Schedulers.create("euler_a", SD15).className())
        .isEqualTo("EulerAncestralDiscreteScheduler");
    assertThat(Schedulers.create("dpmpp_2m", SD15).className())
        .isEqualTo("DPMSolverMultistepScheduler");
    assertThat(Schedulers.create("lcm", SD15)).isInstanceOf(LCMScheduler.class);
    assertThat(Schedulers.create("LCMScheduler", SD15)).isInstanceOf(LCMScheduler.class);
    assertThat(Schedulers.create(null, Reference.config(Reference.SDXL)))
        .isInstanceOf(EulerDiscreteScheduler.class);
    assertThat(Schedulers.isKnown("euler_a")).isTrue();
    assertThat(Schedulers.isKnown("PNDMScheduler")).isFalse();
  }

  @Test
  void eachSchedulerHasItsWebUiSamplerName() {
    assertThat(Schedulers.NAMES.stream().map(n -> Schedulers.create(n, SD15).infotextName()))
        .containsExactly("DDIM", "Euler", "Euler a", "DPM++ 2M", "DPM++ 2M Karras", "LCM");
    assertThat(
            Schedulers.create("DPMSolverMultistepScheduler", SD15.with("solver_order", 1))
                .infotextName())
        .isEqualTo("DPM++ 1M");
  }

  @Test
  void switchingClassKeepsTheModelsTrainingSchedule() {
    // DDIM from SD 2.1's config keeps v_prediction and steps_offset: its leading schedule ends at
    // 1.
    EulerDiscreteScheduler euler =
        (EulerDiscreteScheduler) Schedulers.create("euler", Reference.config(Reference.SD21));
    euler.setTimesteps(4);
    // Keys absent from the file take Euler's own defaults (linspace), as from_config does.
    assertThat(euler.timesteps()[0]).isEqualTo(999.0);
    // SD-Turbo's file sets trailing spacing, which DDIM then uses instead of its own leading.
    Scheduler turboAsDdim = Schedulers.create("ddim", Reference.config(Reference.SD_TURBO));
    turboAsDdim.setTimesteps(4);
    assertThat(turboAsDdim.timesteps()).containsExactly(999.0, 749.0, 499.0, 249.0);
  }

  @Test
  void dpmppNamesOverrideTheSolverSettings() {
    SchedulerConfig sde =
        SD15.with("algorithm_type", "sde-dpmsolver++").with("use_karras_sigmas", true);
    DPMSolverMultistepScheduler plain =
        (DPMSolverMultistepScheduler) Schedulers.create("dpmpp_2m", sde);
    plain.setTimesteps(10);
    assertThat(plain.timesteps()[1]).isEqualTo(899.0);
    assertThatThrownBy(() -> Schedulers.create("DPMSolverMultistepScheduler", sde))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("algorithm_type")
        .hasMessageContaining("sde-dpmsolver++");
  }

  @Test
  void unknownNamesListTheValidOnes() {
    assertThatThrownBy(() -> Schedulers.create("heun", SD15))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"heun\"")
        .hasMessageContaining("ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras, lcm");
    assertThatThrownBy(() -> Schedulers.create(null, SD15))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the model's scheduler \"PNDMScheduler\" is not supported");
    assertThatThrownBy(() -> Schedulers.create(null, SchedulerConfig.EMPTY))
        .hasMessageContaining("no _class_name");
  }

  @Test
  void valuesThatChangeTheMathAreRefusedByName() {
    assertRefused("euler", SD15.with("beta_schedule", "foo"), "beta_schedule = \"foo\"");
    assertRefused("DPMSolverMultistepScheduler", SD15.with("solver_order", 3), "solver_order = 3");
    assertRefused("ddim", SD15.with("thresholding", true), "thresholding = true");
    assertRefused("euler", SD15.with("timestep_spacing", "sometimes"), "timestep_spacing");
    assertRefused("euler_a", SD15.with("prediction_type", "sample"), "prediction_type");
    assertRefused("euler", SD15.with("use_beta_sigmas", true), "use_beta_sigmas");
    assertRefused("lcm", SD15.with("original_inference_steps", 2000), "original_inference_steps");
    // Keys a scheduler does not read are ignored, as diffusers ignores them.
    assertThat(Schedulers.create("euler", SD15.with("thresholding", true))).isNotNull();
  }

  private static void assertRefused(String name, SchedulerConfig config, String message) {
    assertThatThrownBy(() -> Schedulers.create(name, config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void misuseIsReportedClearly() {
    Scheduler euler = Schedulers.create("euler_a", SD15);
    float[] x = new float[8];
    assertThatThrownBy(() -> euler.step(x, 0, x, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("setTimesteps");
    assertThatThrownBy(() -> euler.setTimesteps(0)).isInstanceOf(IllegalArgumentException.class);
    euler.setTimesteps(4);
    assertThatThrownBy(() -> euler.step(x, 0, x, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NoiseSource");
    Scheduler dpm = Schedulers.create("dpmpp_2m", SD15);
    dpm.setTimesteps(4);
    dpm.step(x, 0, x, null);
    assertThatThrownBy(() -> dpm.step(x, 2, x, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("out of order");
    assertThatThrownBy(() -> dpm.step(new float[4], 1, x, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dpm.scaleModelInput(x, 4)).hasMessageContaining("outside");
    Scheduler ddim = Schedulers.create("ddim", SD15);
    assertThatThrownBy(() -> ddim.setTimesteps(1001)).hasMessageContaining("1000");
    Scheduler lcm = Schedulers.create("lcm", SD15);
    assertThatThrownBy(() -> lcm.setTimesteps(51)).hasMessageContaining("original_inference_steps");
  }
}
