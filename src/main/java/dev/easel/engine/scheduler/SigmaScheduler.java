package dev.easel.engine.scheduler;

import static dev.easel.engine.scheduler.Options.or;

/**
 * Shared parts of the k-diffusion style schedulers (Euler, Euler ancestral): samples live at noise
 * level sigma, x = x0 + sigma * noise, and the model sees x / sqrt(sigma² + 1).
 */
abstract class SigmaScheduler extends AbstractScheduler {
  protected final SchedulerConfig config;
  protected final String spacing;
  protected final int stepsOffset;
  protected final float[] trainingSigmas;
  protected float[] sigmas;

  SigmaScheduler(SchedulerConfig config) {
    super(TrainingSchedule.of(config, TrainingSchedule.Defaults.COMMON, true));
    this.config = config;
    this.spacing = Options.timestepSpacing(config, "linspace");
    this.stepsOffset = or(config.stepsOffset(), 0);
    this.trainingSigmas = ScheduleMath.trainingSigmas(training.alphasCumprod());
  }

  /** The noise level of each step index, plus the final one (length = steps + 1 or more). */
  public float[] sigmas() {
    return sigmas.clone();
  }

  /** Float32 timesteps spaced as {@code timestep_spacing} says, highest first. */
  protected float[] spacedTimesteps(int steps) {
    int train = training.trainSteps();
    return switch (spacing) {
      case "linspace" -> {
        double[] t = ScheduleMath.linspace(0, train - 1, steps, true);
        float[] out = new float[steps];
        for (int i = 0; i < steps; i++) {
          out[i] = (float) t[steps - 1 - i];
        }
        yield out;
      }
      case "leading" -> {
        int ratio = train / steps;
        float[] out = new float[steps];
        for (int i = 0; i < steps; i++) {
          out[i] = (float) (steps - 1 - i) * ratio + stepsOffset;
        }
        yield out;
      }
      default -> {
        double[] t = ScheduleMath.arange(train, 0, -((double) train / steps));
        float[] out = new float[t.length];
        for (int i = 0; i < t.length; i++) {
          out[i] = (float) Math.rint(t[i]) - 1;
        }
        yield out;
      }
    };
  }

  @Override
  public float initNoiseSigma() {
    float max = 0;
    for (float s : sigmas) {
      max = Math.max(max, s);
    }
    return spacing.equals("leading") ? (float) Math.sqrt(max * max + 1) : max;
  }

  @Override
  public float[] scaleModelInput(float[] sample, int stepIndex) {
    checkIndex(stepIndex, sample, null);
    float sigma = sigmas[stepIndex];
    float scale = (float) Math.sqrt(sigma * sigma + 1);
    float[] out = new float[sample.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = sample[i] / scale;
    }
    return out;
  }

  @Override
  public float[] addNoise(float[] original, float[] noise, int stepIndex) {
    checkIndex(stepIndex, original, noise);
    float sigma = sigmas[stepIndex];
    float[] out = new float[original.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = original[i] + noise[i] * sigma;
    }
    return out;
  }

  /** x0 from the model output at noise level sigma, for epsilon and v prediction. */
  protected static float[] predictOriginal(
      String predictionType, float[] modelOutput, float[] sample, float sigma) {
    float[] x0 = new float[sample.length];
    switch (predictionType) {
      case "epsilon" -> {
        for (int i = 0; i < x0.length; i++) {
          x0[i] = sample[i] - sigma * modelOutput[i];
        }
      }
      case "v_prediction" -> {
        float sigmaSquaredPlusOne = sigma * sigma + 1;
        float cOut = -sigma / (float) Math.sqrt(sigmaSquaredPlusOne);
        for (int i = 0; i < x0.length; i++) {
          x0[i] = modelOutput[i] * cOut + sample[i] / sigmaSquaredPlusOne;
        }
      }
      default -> System.arraycopy(modelOutput, 0, x0, 0, x0.length);
    }
    return x0;
  }
}
