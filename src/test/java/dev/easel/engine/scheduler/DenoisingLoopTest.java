package dev.easel.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.easel.engine.noise.BatchNoise;
import dev.easel.engine.noise.NoiseSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Full loops on a toy problem: the "model" knows the clean sample x0 and predicts exactly the noise
 * (or v) in what it is given, so a correct scheduler must end at x0.
 */
class DenoisingLoopTest {
  private static final int PER_IMAGE = 4 * 8 * 8;
  private static final SchedulerConfig SD15 = Reference.config(Reference.SD15);
  private static final SchedulerConfig SD21 = Reference.config(Reference.SD21);

  /**
   * The scheduler for a loop test. DDIM gets {@code set_alpha_to_one}: with the SD value (false)
   * its last step stops at the noise level of training step 0 instead of at x0.
   */
  private static Scheduler create(String name, SchedulerConfig config) {
    return Schedulers.create(
        name, name.equals("ddim") ? config.with("set_alpha_to_one", true) : config);
  }

  /** The noise level of a scheduler's sample at a step, as (signal scale, noise scale). */
  private static double[] levels(Scheduler scheduler, int step) {
    if (scheduler instanceof SigmaScheduler sigmaScheduler) {
      return new double[] {1, sigmaScheduler.sigmas[step]};
    }
    if (scheduler instanceof DPMSolverMultistepScheduler dpm) {
      double sigma = dpm.sigmas()[step];
      double alpha = 1 / Math.sqrt(sigma * sigma + 1);
      return new double[] {alpha, sigma * alpha};
    }
    AbstractScheduler vp = (AbstractScheduler) scheduler;
    double alphaProd = vp.training.alphasCumprod()[(int) vp.timesteps[step]];
    return new double[] {Math.sqrt(alphaProd), Math.sqrt(1 - alphaProd)};
  }

  /** A perfect model: noise (or v) such that the sample is signal * x0 + noise * eps. */
  private static float[] oracle(
      Scheduler scheduler, int step, float[] sample, float[] x0, boolean vPrediction) {
    double[] level = levels(scheduler, step);
    double signal = level[0];
    double noise = level[1];
    double norm = Math.sqrt(signal * signal + noise * noise);
    float[] out = new float[sample.length];
    for (int i = 0; i < out.length; i++) {
      double eps = (sample[i] - signal * x0[i]) / noise;
      out[i] = (float) (vPrediction ? (signal * eps - noise * x0[i]) / norm : eps);
    }
    return out;
  }

  private static float[] run(
      Scheduler scheduler, int steps, int begin, float[] x0, NoiseSource noise, boolean v) {
    scheduler.setTimesteps(steps);
    float[] start = noise.sampleLike(x0);
    float[] x;
    if (begin == 0) {
      x = new float[x0.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = start[i] * scheduler.initNoiseSigma();
      }
    } else {
      x = scheduler.addNoise(x0, start, begin);
    }
    for (int i = begin; i < scheduler.timesteps().length; i++) {
      scheduler.scaleModelInput(x, i);
      x = scheduler.step(oracle(scheduler, i, x, x0, v), i, x, noise).prevSample();
    }
    return x;
  }

  private static void assertRecovers(float[] actual, float[] x0, double tolerance) {
    for (int i = 0; i < x0.length; i++) {
      assertThat((double) actual[i]).as("element %d", i).isCloseTo(x0[i], within(tolerance));
    }
  }

  @ParameterizedTest(name = "{0}, {1} steps")
  @CsvSource({
    "ddim, 50",
    "ddim, 1",
    "euler, 20",
    "euler, 1",
    "euler_a, 20",
    "euler_a, 4",
    "dpmpp_2m, 20",
    "dpmpp_2m, 4",
    "dpmpp_2m_karras, 25",
    "lcm, 4",
    "lcm, 1",
    "EulerDiscreteScheduler, 75"
  })
  void everySchedulerRecoversTheCleanSample(String name, int steps) {
    float[] x0 = Reference.random(10, 2 * PER_IMAGE);
    float[] result = run(create(name, SD15), steps, 0, x0, new BatchNoise(1, 2), false);
    assertRecovers(result, x0, 2e-3);
  }

  @ParameterizedTest
  @CsvSource({"ddim", "euler", "euler_a", "dpmpp_2m", "lcm"})
  void vPredictionLoops(String name) {
    float[] x0 = Reference.random(11, PER_IMAGE);
    float[] result = run(create(name, SD21), 4, 0, x0, new BatchNoise(3), true);
    assertRecovers(result, x0, 2e-3);
  }

  @ParameterizedTest
  @CsvSource({"ddim", "euler", "euler_a", "dpmpp_2m", "lcm"})
  void imageToImageStartsPartWayAndStillRecovers(String name) {
    float[] x0 = Reference.random(12, PER_IMAGE);
    Scheduler scheduler = create(name, SD15);
    scheduler.setTimesteps(8);
    int begin = scheduler.beginIndex(0.5);
    assertThat(begin).isEqualTo(4);
    float[] result = run(scheduler, 8, begin, x0, new BatchNoise(4), false);
    assertRecovers(result, x0, 2e-3);
  }

  @Test
  void zeroSnrTrailingLoop() {
    SchedulerConfig zeroSnr =
        SD21.with("rescale_betas_zero_snr", true).with("timestep_spacing", "trailing");
    for (String name : new String[] {"ddim", "euler", "dpmpp_2m"}) {
      float[] x0 = Reference.random(13, PER_IMAGE);
      float[] result = run(create(name, zeroSnr), 10, 0, x0, new BatchNoise(5), true);
      assertRecovers(result, x0, 5e-3);
    }
  }

  @ParameterizedTest
  @CsvSource({"euler_a", "lcm"})
  void stochasticNoiseOfAnImageDependsOnlyOnItsSeed(String name) {
    float[] x0Pair = Reference.random(14, 2 * PER_IMAGE);
    float[] x0Second = java.util.Arrays.copyOfRange(x0Pair, PER_IMAGE, 2 * PER_IMAGE);
    // A model that ignores x0 keeps the stochastic noise visible in the result.
    float[] pair = runBiased(name, x0Pair, new BatchNoise(21, 22));
    float[] alone = runBiased(name, x0Second, new BatchNoise(22));
    float[] again = runBiased(name, x0Pair, new BatchNoise(21, 22));
    float[] otherSeeds = runBiased(name, x0Pair, new BatchNoise(23, 22));
    assertThat(again).containsExactly(pair);
    assertThat(java.util.Arrays.copyOfRange(pair, PER_IMAGE, 2 * PER_IMAGE)).containsExactly(alone);
    assertThat(java.util.Arrays.copyOfRange(otherSeeds, PER_IMAGE, 2 * PER_IMAGE))
        .containsExactly(alone);
    assertThat(java.util.Arrays.copyOfRange(otherSeeds, 0, PER_IMAGE))
        .isNotEqualTo(java.util.Arrays.copyOfRange(pair, 0, PER_IMAGE));
  }

  private static float[] runBiased(String name, float[] x0, NoiseSource noise) {
    Scheduler scheduler = Schedulers.create(name, SD15);
    scheduler.setTimesteps(4);
    float[] x = noise.sampleLike(x0);
    for (int i = 0; i < 4; i++) {
      float[] eps = oracle(scheduler, i, x, x0, false);
      for (int k = 0; k < eps.length; k++) {
        eps[k] *= 0.5f;
      }
      x = scheduler.step(eps, i, x, noise).prevSample();
    }
    return x;
  }

  @Test
  void eulerAncestralDrawsNoiseOnTheLastStepAndLcmDoesNot() {
    assertThat(countDraws("euler_a", 4)).isEqualTo(4);
    assertThat(countDraws("lcm", 4)).isEqualTo(3);
    assertThat(countDraws("lcm", 1)).isZero();
    assertThat(countDraws("euler", 4)).isZero();
  }

  private static int countDraws(String name, int steps) {
    AtomicInteger draws = new AtomicInteger();
    BatchNoise seeded = new BatchNoise(1);
    NoiseSource counting =
        new NoiseSource() {
          @Override
          public int batchSize() {
            return 1;
          }

          @Override
          public void fill(float[] out) {
            draws.incrementAndGet();
            seeded.fill(out);
          }
        };
    float[] x0 = Reference.random(15, PER_IMAGE);
    Scheduler scheduler = Schedulers.create(name, SD15);
    scheduler.setTimesteps(steps);
    float[] x = x0.clone();
    for (int i = 0; i < steps; i++) {
      x = scheduler.step(oracle(scheduler, i, x, x0, false), i, x, counting).prevSample();
    }
    return draws.get();
  }

  @Test
  void dpmSolverTakesAFirstOrderLastStepWhenTheFinalSigmaIsZero() {
    float[] sample = Reference.random(16, PER_IMAGE);
    DPMSolverMultistepScheduler zero = new DPMSolverMultistepScheduler(SD15);
    Scheduler.StepOutput last = lastOfRandomLoop(zero, sample);
    assertThat(last.prevSample()).containsExactly(last.predictedOriginal());

    DPMSolverMultistepScheduler sigmaMin =
        new DPMSolverMultistepScheduler(
            SD15.with("final_sigmas_type", "sigma_min").with("lower_order_final", false));
    Scheduler.StepOutput secondOrder = lastOfRandomLoop(sigmaMin, sample);
    DPMSolverMultistepScheduler firstOrderOnly =
        new DPMSolverMultistepScheduler(
            SD15.with("final_sigmas_type", "sigma_min").with("euler_at_final", true));
    Scheduler.StepOutput firstOrder = lastOfRandomLoop(firstOrderOnly, sample);
    assertThat(secondOrder.prevSample()).isNotEqualTo(firstOrder.prevSample());
    assertThat(secondOrder.predictedOriginal()).containsExactly(firstOrder.predictedOriginal());
  }

  private static Scheduler.StepOutput lastOfRandomLoop(Scheduler scheduler, float[] start) {
    scheduler.setTimesteps(20);
    float[] x = start.clone();
    Scheduler.StepOutput out = null;
    for (int i = 0; i < 20; i++) {
      out = scheduler.step(Reference.random(100 + i, x.length), i, x, null);
      x = out.prevSample();
    }
    return out;
  }
}
