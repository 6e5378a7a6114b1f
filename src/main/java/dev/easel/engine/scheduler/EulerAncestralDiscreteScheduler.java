package dev.easel.engine.scheduler;

import dev.easel.engine.noise.NoiseSource;

/**
 * diffusers' {@code EulerAncestralDiscreteScheduler}: an Euler step down to sigma_down, then fresh
 * noise of size sigma_up, drawn on every step including the last. SD-Turbo and SDXL-Turbo ship with
 * it.
 */
public final class EulerAncestralDiscreteScheduler extends SigmaScheduler {
  private final String predictionType;

  /** Builds the scheduler from a model's config; unset keys take diffusers' defaults. */
  public EulerAncestralDiscreteScheduler(SchedulerConfig config) {
    super(config);
    predictionType = Options.predictionType(config, "epsilon", "v_prediction");
  }

  @Override
  public String infotextName() {
    return "Euler a";
  }

  @Override
  public String className() {
    return "EulerAncestralDiscreteScheduler";
  }

  @Override
  public void setTimesteps(int steps) {
    Options.requireSteps(steps);
    float[] spaced = spacedTimesteps(steps);
    float[] table = new float[spaced.length + 1];
    double[] modelTimesteps = new double[spaced.length];
    for (int i = 0; i < spaced.length; i++) {
      table[i] = (float) ScheduleMath.interp(spaced[i], trainingSigmas);
      modelTimesteps[i] = spaced[i];
    }
    sigmas = table;
    startLoop(modelTimesteps);
  }

  @Override
  public StepOutput step(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
    enterStep(stepIndex, modelOutput, sample);
    float sigmaFrom = sigmas[stepIndex];
    float sigmaTo = sigmas[stepIndex + 1];
    float fromSquared = sigmaFrom * sigmaFrom;
    float toSquared = sigmaTo * sigmaTo;
    float sigmaUp = (float) Math.sqrt(toSquared * (fromSquared - toSquared) / fromSquared);
    float sigmaDown = (float) Math.sqrt(toSquared - sigmaUp * sigmaUp);
    float dt = sigmaDown - sigmaFrom;
    float[] x0 = predictOriginal(predictionType, modelOutput, sample, sigmaFrom);
    float[] fresh = drawNoise(noise, sample);
    float[] prev = new float[sample.length];
    for (int i = 0; i < prev.length; i++) {
      float derivative = (sample[i] - x0[i]) / sigmaFrom;
      float euler = sample[i] + derivative * dt;
      prev[i] = euler + fresh[i] * sigmaUp;
    }
    return new StepOutput(prev, x0);
  }
}
