package dev.easel.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.easel.engine.noise.BatchNoise;
import dev.easel.engine.noise.TorchGenerator;
import org.junit.jupiter.api.Test;

/** One step of each scheduler on random arrays against the textbook formula in float64. */
class StepFormulaTest {
  private static final int SIZE = 2 * 4 * 8 * 8;
  private static final SchedulerConfig SD15 = Reference.config(Reference.SD15);
  private static final SchedulerConfig SD21 = Reference.config(Reference.SD21);

  private final float[] sample = Reference.random(1, SIZE);
  private final float[] model = Reference.random(2, SIZE);

  private static void assertClose(float[] actual, double[] expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i])
          .as("element %d", i)
          .isCloseTo(expected[i], within(1e-4 * (1 + Math.abs(expected[i]))));
    }
  }

  @Test
  void eulerEpsilonAndModelInputScaling() {
    EulerDiscreteScheduler euler = new EulerDiscreteScheduler(SD15);
    euler.setTimesteps(20);
    double sigma = euler.sigmas()[3];
    double next = euler.sigmas()[4];
    double[] scaled = new double[SIZE];
    double[] expected = new double[SIZE];
    for (int i = 0; i < SIZE; i++) {
      scaled[i] = sample[i] / Math.sqrt(sigma * sigma + 1);
      expected[i] = sample[i] + model[i] * (next - sigma);
    }
    assertClose(euler.scaleModelInput(sample, 3), scaled);
    Scheduler.StepOutput out = euler.step(model, 3, sample, null);
    assertClose(out.prevSample(), expected);
  }

  @Test
  void eulerVPrediction() {
    EulerDiscreteScheduler euler = new EulerDiscreteScheduler(SD21);
    euler.setTimesteps(10);
    double sigma = euler.sigmas()[0];
    double next = euler.sigmas()[1];
    double[] x0 = new double[SIZE];
    double[] expected = new double[SIZE];
    for (int i = 0; i < SIZE; i++) {
      x0[i] = -sigma / Math.sqrt(sigma * sigma + 1) * model[i] + sample[i] / (sigma * sigma + 1);
      expected[i] = sample[i] + (sample[i] - x0[i]) / sigma * (next - sigma);
    }
    Scheduler.StepOutput out = euler.step(model, 0, sample, null);
    assertClose(out.predictedOriginal(), x0);
    assertClose(out.prevSample(), expected);
  }

  @Test
  void eulerAncestralSplitsTheStepIntoDownAndUp() {
    EulerAncestralDiscreteScheduler ancestral =
        new EulerAncestralDiscreteScheduler(Reference.config(Reference.SD_TURBO));
    ancestral.setTimesteps(4);
    double from = ancestral.sigmas()[1];
    double to = ancestral.sigmas()[2];
    double up = Math.sqrt(to * to * (from * from - to * to) / (from * from));
    double down = Math.sqrt(to * to - up * up);
    float[] noise = new TorchGenerator(5).randn(SIZE / 2);
    float[] noise2 = new TorchGenerator(6).randn(SIZE / 2);
    double[] expected = new double[SIZE];
    for (int i = 0; i < SIZE; i++) {
      double z = i < SIZE / 2 ? noise[i] : noise2[i - SIZE / 2];
      expected[i] = sample[i] + model[i] * (down - from) + z * up;
    }
    Scheduler.StepOutput out = ancestral.step(model, 1, sample, new BatchNoise(5, 6));
    assertClose(out.prevSample(), expected);
  }

  @Test
  void ddimEpsilonUsesTheFixedStepRatioAndTheFinalAlpha() {
    DDIMScheduler ddim = new DDIMScheduler(SD15);
    ddim.setTimesteps(50);
    double[] alphas = Reference.sd15AlphasCumprod();
    double a = alphas[981];
    double prev = alphas[961];
    double[] expected = new double[SIZE];
    for (int i = 0; i < SIZE; i++) {
      double x0 = (sample[i] - Math.sqrt(1 - a) * model[i]) / Math.sqrt(a);
      expected[i] = Math.sqrt(prev) * x0 + Math.sqrt(1 - prev) * model[i];
    }
    assertClose(ddim.step(model, 0, sample, null).prevSample(), expected);

    DDIMScheduler last = new DDIMScheduler(SD15);
    last.setTimesteps(50);
    double aLast = alphas[1];
    double finalAlpha = alphas[0];
    for (int i = 0; i < SIZE; i++) {
      double x0 = (sample[i] - Math.sqrt(1 - aLast) * model[i]) / Math.sqrt(aLast);
      expected[i] = Math.sqrt(finalAlpha) * x0 + Math.sqrt(1 - finalAlpha) * model[i];
    }
    assertClose(last.step(model, 49, sample, null).prevSample(), expected);
  }

  @Test
  void ddimVPrediction() {
    DDIMScheduler ddim = new DDIMScheduler(SD21);
    ddim.setTimesteps(25);
    double[] alphas = Reference.sd15AlphasCumprod();
    double a = alphas[961];
    double prev = alphas[921];
    double[] expected = new double[SIZE];
    for (int i = 0; i < SIZE; i++) {
      double x0 = Math.sqrt(a) * sample[i] - Math.sqrt(1 - a) * model[i];
      double eps = Math.sqrt(a) * model[i] + Math.sqrt(1 - a) * sample[i];
      expected[i] = Math.sqrt(prev) * x0 + Math.sqrt(1 - prev) * eps;
    }
    assertClose(ddim.step(model, 0, sample, null).prevSample(), expected);
  }

  @Test
  void dpmSolverFirstThenSecondOrder() {
    DPMSolverMultistepScheduler dpm = new DPMSolverMultistepScheduler(SD15);
    dpm.setTimesteps(20);
    double[] s = new double[4];
    for (int k = 0; k < 3; k++) {
      s[k] = dpm.sigmas()[k];
    }
    float[] model2 = Reference.random(3, SIZE);
    double[] x0First = new double[SIZE];
    double[] afterFirst = new double[SIZE];
    for (int i = 0; i < SIZE; i++) {
      x0First[i] = (sample[i] - vpSigma(s[0]) * model[i]) / alpha(s[0]);
      double h = lambda(s[1]) - lambda(s[0]);
      afterFirst[i] =
          vpSigma(s[1]) / vpSigma(s[0]) * sample[i] - alpha(s[1]) * (Math.exp(-h) - 1) * x0First[i];
    }
    Scheduler.StepOutput first = dpm.step(model, 0, sample, null);
    assertClose(first.predictedOriginal(), x0First);
    assertClose(first.prevSample(), afterFirst);

    float[] x1 = first.prevSample();
    double[] expected = new double[SIZE];
    for (int i = 0; i < SIZE; i++) {
      double m0 = (x1[i] - vpSigma(s[1]) * model2[i]) / alpha(s[1]);
      double h = lambda(s[2]) - lambda(s[1]);
      double r0 = (lambda(s[1]) - lambda(s[0])) / h;
      double d1 = (m0 - x0First[i]) / r0;
      double c = alpha(s[2]) * (Math.exp(-h) - 1);
      expected[i] = vpSigma(s[2]) / vpSigma(s[1]) * x1[i] - c * m0 - 0.5 * c * d1;
    }
    assertClose(dpm.step(model2, 1, x1, null).prevSample(), expected);
  }

  @Test
  void lcmAppliesTheBoundaryConditionThenRenoises() {
    LCMScheduler lcm = new LCMScheduler(SD15);
    lcm.setTimesteps(4);
    double[] alphas = Reference.sd15AlphasCumprod();
    double a = alphas[759];
    double prev = alphas[499];
    double scaled = 759 * 10.0;
    double cSkip = 0.25 / (scaled * scaled + 0.25);
    double cOut = scaled / Math.sqrt(scaled * scaled + 0.25);
    float[] noise = new TorchGenerator(9).randn(SIZE);
    double[] denoised = new double[SIZE];
    double[] expected = new double[SIZE];
    for (int i = 0; i < SIZE; i++) {
      double x0 = (sample[i] - Math.sqrt(1 - a) * model[i]) / Math.sqrt(a);
      denoised[i] = cOut * x0 + cSkip * sample[i];
      expected[i] = Math.sqrt(prev) * denoised[i] + Math.sqrt(1 - prev) * noise[i];
    }
    Scheduler.StepOutput out = lcm.step(model, 1, sample, new BatchNoise(9));
    assertClose(out.predictedOriginal(), denoised);
    assertClose(out.prevSample(), expected);
  }

  @Test
  void addNoiseUsesEachSchedulersParameterisation() {
    float[] noise = Reference.random(4, SIZE);
    EulerDiscreteScheduler euler = new EulerDiscreteScheduler(SD15);
    euler.setTimesteps(10);
    DDIMScheduler ddim = new DDIMScheduler(SD15);
    ddim.setTimesteps(10);
    DPMSolverMultistepScheduler dpm = new DPMSolverMultistepScheduler(SD15);
    dpm.setTimesteps(10);
    double[] alphas = Reference.sd15AlphasCumprod();
    double sigmaEuler = euler.sigmas()[3];
    double alphaDdim = alphas[(int) ddim.timesteps()[3]];
    double sigmaDpm = dpm.sigmas()[3];
    double[] expectedEuler = new double[SIZE];
    double[] expectedDdim = new double[SIZE];
    double[] expectedDpm = new double[SIZE];
    for (int i = 0; i < SIZE; i++) {
      expectedEuler[i] = sample[i] + sigmaEuler * noise[i];
      expectedDdim[i] = Math.sqrt(alphaDdim) * sample[i] + Math.sqrt(1 - alphaDdim) * noise[i];
      expectedDpm[i] = alpha(sigmaDpm) * sample[i] + vpSigma(sigmaDpm) * noise[i];
    }
    assertClose(euler.addNoise(sample, noise, 3), expectedEuler);
    assertClose(ddim.addNoise(sample, noise, 3), expectedDdim);
    assertClose(dpm.addNoise(sample, noise, 3), expectedDpm);
  }

  private static double alpha(double sigma) {
    return 1 / Math.sqrt(sigma * sigma + 1);
  }

  private static double vpSigma(double sigma) {
    return sigma * alpha(sigma);
  }

  private static double lambda(double sigma) {
    return Math.log(alpha(sigma)) - Math.log(vpSigma(sigma));
  }
}
