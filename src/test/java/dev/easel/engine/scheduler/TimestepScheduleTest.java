package dev.easel.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestepScheduleTest {
  private static final SchedulerConfig SD15 = Reference.config(Reference.SD15);
  private static final double[] SD15_ALPHAS = Reference.sd15AlphasCumprod();

  private static double[] ints(int... values) {
    return IntStream.of(values).asDoubleStream().toArray();
  }

  @Test
  void trainingTablesMatchAFloat64Derivation() {
    TrainingSchedule schedule = TrainingSchedule.of(SD15, TrainingSchedule.Defaults.COMMON, true);
    for (int t = 0; t < 1000; t++) {
      assertThat((double) schedule.alphasCumprod()[t])
          .isCloseTo(SD15_ALPHAS[t], within(SD15_ALPHAS[t] * 2e-5));
    }
    float[] sigmas = ScheduleMath.trainingSigmas(schedule.alphasCumprod());
    assertThat(sigmas[999]).isCloseTo(14.6146f, within(0.0001f));
    assertThat(sigmas[0]).isCloseTo(0.0292f, within(0.0001f));
    assertThat(schedule.betas()[0]).isCloseTo(0.00085f, within(1e-10f));
    assertThat(schedule.betas()[999]).isCloseTo(0.012f, within(1e-9f));
  }

  @Test
  void torchLinspaceHitsBothEndsExactly() {
    float[] x = ScheduleMath.torchLinspace(0.1f, 0.7f, 1000);
    assertThat(x[0]).isEqualTo(0.1f);
    assertThat(x[999]).isEqualTo(0.7f);
    for (int i = 0; i < 1000; i++) {
      assertThat((double) x[i]).isCloseTo(0.1 + 0.6 * i / 999, within(1e-7));
    }
    assertThat(ScheduleMath.torchLinspace(2f, 3f, 1)).containsExactly(2f);
  }

  @Test
  void ddimLeadingMatchesThePublishedStableDiffusionSchedule() {
    Scheduler ddim = Schedulers.create("ddim", SD15);
    ddim.setTimesteps(50);
    double[] expected = new double[50];
    for (int i = 0; i < 50; i++) {
      expected[i] = 981 - 20 * i;
    }
    assertThat(ddim.timesteps()).containsExactly(expected);
    assertThat(ddim.initNoiseSigma()).isEqualTo(1f);
  }

  @Test
  void ddimLinspaceAndTrailing() {
    Scheduler linspace = Schedulers.create("ddim", SD15.with("timestep_spacing", "linspace"));
    linspace.setTimesteps(4);
    assertThat(linspace.timesteps()).containsExactly(ints(999, 666, 333, 0));
    Scheduler trailing = Schedulers.create("ddim", SD15.with("timestep_spacing", "trailing"));
    trailing.setTimesteps(4);
    assertThat(trailing.timesteps()).containsExactly(ints(999, 749, 499, 249));
    trailing.setTimesteps(3);
    assertThat(trailing.timesteps()).containsExactly(ints(999, 666, 332));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 20, 50, 75})
  void eulerLeadingFollowsTheFloat64Formulas(int steps) {
    EulerDiscreteScheduler euler = new EulerDiscreteScheduler(Reference.config(Reference.SDXL));
    euler.setTimesteps(steps);
    int ratio = 1000 / steps;
    double[] t = euler.timesteps();
    float[] sigmas = euler.sigmas();
    assertThat(t).hasSize(steps);
    assertThat(sigmas).hasSize(steps + 1);
    for (int i = 0; i < steps; i++) {
      assertThat(t[i]).isEqualTo((steps - 1 - i) * ratio + 1);
      assertThat((double) sigmas[i])
          .isCloseTo(Reference.sigmaAt(SD15_ALPHAS, t[i]), within(sigmas[i] * 2e-5));
    }
    assertThat(sigmas[steps]).isZero();
    double top = Reference.sigmaAt(SD15_ALPHAS, t[0]);
    assertThat((double) euler.initNoiseSigma()).isCloseTo(Math.sqrt(top * top + 1), within(1e-3));
  }

  @Test
  void eulerLinspaceStartsAtSigmaMax() {
    Scheduler euler = Schedulers.create("euler", SD15);
    euler.setTimesteps(20);
    assertThat(euler.timesteps()[0]).isEqualTo(999.0);
    assertThat(euler.timesteps()[19]).isEqualTo(0.0);
    assertThat(euler.timesteps()[1]).isEqualTo((double) (float) (999.0 * 18 / 19));
    assertThat(euler.initNoiseSigma()).isCloseTo(14.6146f, within(0.0001f));
  }

  @Test
  void sdTurboTrailingSchedule() {
    EulerAncestralDiscreteScheduler turbo =
        (EulerAncestralDiscreteScheduler)
            Schedulers.create(null, Reference.config(Reference.SD_TURBO));
    turbo.setTimesteps(1);
    assertThat(turbo.timesteps()).containsExactly(999.0);
    assertThat(turbo.sigmas()).hasSize(2);
    assertThat(turbo.initNoiseSigma()).isCloseTo(14.6146f, within(0.0001f));
    turbo.setTimesteps(4);
    assertThat(turbo.timesteps()).containsExactly(ints(999, 749, 499, 249));
  }

  @Test
  void eulerKarrasKeepsFractionalTimestepsAndTheInterpolatedEnds() {
    EulerDiscreteScheduler euler =
        new EulerDiscreteScheduler(
            Reference.config(Reference.SDXL).with("use_karras_sigmas", true));
    euler.setTimesteps(20);
    float[] sigmas = euler.sigmas();
    double sigmaMax = Reference.sigmaAt(SD15_ALPHAS, 951);
    double sigmaMin = Reference.sigmaAt(SD15_ALPHAS, 1);
    assertThat((double) sigmas[0]).isCloseTo(sigmaMax, within(sigmaMax * 2e-5));
    assertThat((double) sigmas[19]).isCloseTo(sigmaMin, within(sigmaMin * 2e-5));
    for (int i = 0; i < 20; i++) {
      double ramp = i / 19.0;
      double karras =
          Math.pow(
              Math.pow(sigmaMax, 1 / 7.0)
                  + ramp * (Math.pow(sigmaMin, 1 / 7.0) - Math.pow(sigmaMax, 1 / 7.0)),
              7);
      assertThat((double) sigmas[i]).isCloseTo(karras, within(karras * 2e-5));
    }
    double[] t = euler.timesteps();
    assertThat(t[0]).isCloseTo(951, within(0.01));
    assertThat(t[19]).isCloseTo(1, within(0.01));
    assertThat(Arrays.stream(t).anyMatch(v -> v != Math.rint(v))).isTrue();
  }

  @Test
  void logLinearInterpolationGivesTwoMoreSigmasThanSteps() {
    EulerDiscreteScheduler euler =
        new EulerDiscreteScheduler(SD15.with("interpolation_type", "log_linear"));
    euler.setTimesteps(10);
    float[] sigmas = euler.sigmas();
    assertThat(sigmas).hasSize(12);
    assertThat(euler.timesteps()).hasSize(10);
    assertThat(sigmas[0]).isCloseTo(14.6146f, within(0.0001f));
    assertThat(sigmas[10]).isCloseTo(0.0292f, within(0.0001f));
    assertThat((double) sigmas[5])
        .isCloseTo(Math.exp((Math.log(14.6146) + Math.log(0.029168)) / 2), within(0.001));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 20, 50, 75})
  void dpmSolverLinspaceRoundsAnEvenSplitOfNPlusOnePoints(int steps) {
    DPMSolverMultistepScheduler dpm = new DPMSolverMultistepScheduler(SD15);
    dpm.setTimesteps(steps);
    double[] t = dpm.timesteps();
    assertThat(t).hasSize(steps);
    for (int i = 0; i < steps; i++) {
      assertThat(t[i]).isCloseTo(999.0 * (steps - i) / steps, within(0.5 + 1e-9));
      assertThat(t[i]).isEqualTo(Math.rint(t[i]));
      assertThat((double) dpm.sigmas()[i])
          .isCloseTo(Reference.sigma(SD15_ALPHAS[(int) t[i]]), within(dpm.sigmas()[i] * 2e-5));
    }
    assertThat(t[0]).isEqualTo(999);
    assertThat(dpm.initNoiseSigma()).isEqualTo(1f);
  }

  @Test
  void dpmSolverKarrasUsesTheFullTrainingRangeAndRoundsTimesteps() {
    DPMSolverMultistepScheduler dpm =
        (DPMSolverMultistepScheduler) Schedulers.create("dpmpp_2m_karras", SD15);
    dpm.setTimesteps(25);
    float[] sigmas = dpm.sigmas();
    assertThat(sigmas[0]).isCloseTo(14.6146f, within(0.0001f));
    assertThat((double) sigmas[24]).isCloseTo(Reference.sigma(SD15_ALPHAS[0]), within(1e-6));
    assertThat(sigmas[25]).isZero();
    double[] t = dpm.timesteps();
    assertThat(t[0]).isEqualTo(999);
    assertThat(t[24]).isEqualTo(0);
    assertThat(Arrays.stream(t).allMatch(v -> v == Math.rint(v))).isTrue();
  }

  @Test
  void dpmSolverLeadingDividesByStepsPlusOne() {
    Scheduler dpm = Schedulers.create("dpmpp_2m", SD15.with("timestep_spacing", "leading"));
    dpm.setTimesteps(4);
    assertThat(dpm.timesteps()).containsExactly(ints(801, 601, 401, 201));
  }

  @Test
  void lcmPicksFromTheDistillationSchedule() {
    Scheduler lcm = Schedulers.create("lcm", SD15);
    lcm.setTimesteps(4);
    assertThat(lcm.timesteps()).containsExactly(ints(999, 759, 499, 259));
    lcm.setTimesteps(1);
    assertThat(lcm.timesteps()).containsExactly(999.0);
  }

  @Test
  void zeroSnrFloorsTheLastAlphaOnlyForSigmaSchedulers() {
    SchedulerConfig zeroSnr =
        Reference.config(Reference.SD21)
            .with("rescale_betas_zero_snr", true)
            .with("timestep_spacing", "trailing");
    float[] ddim =
        TrainingSchedule.of(zeroSnr, TrainingSchedule.Defaults.COMMON, false).alphasCumprod();
    float[] euler =
        TrainingSchedule.of(zeroSnr, TrainingSchedule.Defaults.COMMON, true).alphasCumprod();
    assertThat(ddim[999]).isZero();
    assertThat(euler[999]).isEqualTo(0x1p-24f);
    double[] plain = Reference.sd15AlphasCumprod();
    double first = Math.sqrt(plain[0]);
    double last = Math.sqrt(plain[999]);
    for (int t : new int[] {0, 1, 500, 998}) {
      double rescaled = (Math.sqrt(plain[t]) - last) * first / (first - last);
      assertThat((double) ddim[t]).isCloseTo(rescaled * rescaled, within(2e-5 * plain[t] + 1e-9));
    }
    EulerDiscreteScheduler zeroSnrEuler = new EulerDiscreteScheduler(zeroSnr);
    zeroSnrEuler.setTimesteps(4);
    assertThat(zeroSnrEuler.sigmas()[0]).isCloseTo(4096f, within(0.001f));
  }

  @Test
  void strengthCutsTheScheduleLikeGetTimesteps() {
    Scheduler euler = Schedulers.create("euler", SD15);
    euler.setTimesteps(50);
    assertThat(euler.beginIndex(1.0)).isZero();
    assertThat(euler.beginIndex(0.75)).isEqualTo(13);
    assertThat(euler.beginIndex(0.3)).isEqualTo(35);
    assertThatThrownBy(() -> euler.beginIndex(0.01))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no denoising step");
  }
}
