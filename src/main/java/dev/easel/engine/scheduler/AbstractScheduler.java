package dev.easel.engine.scheduler;

import dev.easel.engine.noise.NoiseSource;

/** State and checks shared by the schedulers: the training schedule and the step order. */
abstract class AbstractScheduler implements Scheduler {
  protected final TrainingSchedule training;
  protected double[] timesteps;
  private int nextStep = -1;

  AbstractScheduler(TrainingSchedule training) {
    this.training = training;
  }

  /** Unit-variance starting noise; the sigma-space schedulers override this. */
  @Override
  public float initNoiseSigma() {
    return 1f;
  }

  /** The sample unchanged (a copy); the sigma-space schedulers scale it. */
  @Override
  public float[] scaleModelInput(float[] sample, int stepIndex) {
    checkIndex(stepIndex, sample, null);
    return sample.clone();
  }

  @Override
  public double[] timesteps() {
    requireTimesteps();
    return timesteps.clone();
  }

  /** Stores a new schedule and forgets the previous loop. */
  protected void startLoop(double[] newTimesteps) {
    timesteps = newTimesteps;
    nextStep = -1;
  }

  private void requireTimesteps() {
    if (timesteps == null) {
      throw new IllegalStateException("setTimesteps must be called before using the scheduler");
    }
  }

  /** Checks a step index (and the sample lengths) for any per-step method. */
  protected void checkIndex(int stepIndex, float[] sample, float[] other) {
    requireTimesteps();
    if (stepIndex < 0 || stepIndex >= timesteps.length) {
      throw new IllegalArgumentException(
          "step index " + stepIndex + " is outside the schedule of " + timesteps.length + " steps");
    }
    if (other != null && other.length != sample.length) {
      throw new IllegalArgumentException(
          "arrays differ in length: " + sample.length + " and " + other.length);
    }
  }

  /** Checks a call of {@code step}: the first may start anywhere, later ones must follow on. */
  protected void enterStep(int stepIndex, float[] modelOutput, float[] sample) {
    checkIndex(stepIndex, sample, modelOutput);
    if (nextStep >= 0 && stepIndex != nextStep) {
      throw new IllegalStateException(
          "step " + stepIndex + " out of order: the loop is at step " + nextStep);
    }
    nextStep = stepIndex + 1;
  }

  /** {@code sqrt(alphas_cumprod[t]) * x + sqrt(1 - alphas_cumprod[t]) * noise}, for DDPM-style. */
  protected float[] addNoiseAtTrainStep(float[] original, float[] noise, int trainStep) {
    float alphaProd = training.alphasCumprod()[trainStep];
    float sqrtAlpha = (float) Math.sqrt(alphaProd);
    float sqrtOneMinus = (float) Math.sqrt(1 - alphaProd);
    float[] out = new float[original.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = sqrtAlpha * original[i] + sqrtOneMinus * noise[i];
    }
    return out;
  }

  /** Fresh noise shaped like {@code like}, from the caller's per-image source. */
  protected static float[] drawNoise(NoiseSource noise, float[] like) {
    if (noise == null) {
      throw new IllegalArgumentException("this scheduler draws noise: a NoiseSource is required");
    }
    return noise.sampleLike(like);
  }
}
