package dev.easel.engine.scheduler;

import static dev.easel.engine.scheduler.Options.or;

import dev.easel.engine.noise.NoiseSource;

/**
 * diffusers' {@code DDIMScheduler} with eta = 0 (deterministic DDIM, Song et al. 2020), as the
 * Stable Diffusion pipelines run it.
 */
public final class DDIMScheduler extends AbstractScheduler {
  private final String predictionType;
  private final String spacing;
  private final int stepsOffset;
  private final boolean clipSample;
  private final float clipSampleRange;
  private final float finalAlphaCumprod;
  private int stepRatio;

  /** Builds the scheduler from a model's config; unset keys take diffusers' defaults. */
  public DDIMScheduler(SchedulerConfig config) {
    super(TrainingSchedule.of(config, TrainingSchedule.Defaults.COMMON, false));
    predictionType = Options.predictionType(config, "epsilon", "v_prediction", "sample");
    spacing = Options.timestepSpacing(config, "leading");
    stepsOffset = or(config.stepsOffset(), 0);
    clipSample = or(config.clipSample(), true);
    clipSampleRange = or(config.clipSampleRange(), 1.0).floatValue();
    Options.refuseTrue("thresholding", config.thresholding());
    finalAlphaCumprod = or(config.setAlphaToOne(), true) ? 1f : training.alphasCumprod()[0];
  }

  @Override
  public String infotextName() {
    return "DDIM";
  }

  @Override
  public String className() {
    return "DDIMScheduler";
  }

  @Override
  public void setTimesteps(int steps) {
    Options.requireSteps(steps);
    int train = training.trainSteps();
    if (steps > train) {
      throw new IllegalArgumentException(
          "DDIM cannot run " + steps + " steps: the model was trained with " + train);
    }
    double[] t;
    switch (spacing) {
      case "linspace" -> {
        double[] points = ScheduleMath.linspace(0, train - 1, steps, true);
        t = new double[steps];
        for (int i = 0; i < steps; i++) {
          t[i] = Math.rint(points[steps - 1 - i]);
        }
      }
      case "leading" -> {
        int ratio = train / steps;
        t = new double[steps];
        for (int i = 0; i < steps; i++) {
          t[i] = (double) (steps - 1 - i) * ratio + stepsOffset;
        }
      }
      default -> {
        t = ScheduleMath.arange(train, 0, -((double) train / steps));
        for (int i = 0; i < t.length; i++) {
          t[i] = Math.rint(t[i]) - 1;
        }
      }
    }
    for (double v : t) {
      if (v < 0 || v >= train) {
        throw new IllegalArgumentException(
            "DDIM timestep " + (long) v + " falls outside the " + train + " training steps");
      }
    }
    stepRatio = train / steps;
    startLoop(t);
  }

  @Override
  public StepOutput step(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
    enterStep(stepIndex, modelOutput, sample);
    int t = (int) timesteps[stepIndex];
    int prevT = t - stepRatio;
    float alphaProd = training.alphasCumprod()[t];
    float alphaProdPrev = prevT >= 0 ? training.alphasCumprod()[prevT] : finalAlphaCumprod;
    float betaProd = 1 - alphaProd;
    float sqrtAlpha = (float) Math.sqrt(alphaProd);
    float sqrtBeta = (float) Math.sqrt(betaProd);
    float sqrtAlphaPrev = (float) Math.sqrt(alphaProdPrev);
    float direction = (float) Math.sqrt(1 - alphaProdPrev);
    float[] x0 = new float[sample.length];
    float[] prev = new float[sample.length];
    for (int i = 0; i < prev.length; i++) {
      float m = modelOutput[i];
      float s = sample[i];
      float original;
      float epsilon;
      switch (predictionType) {
        case "epsilon" -> {
          original = (s - sqrtBeta * m) / sqrtAlpha;
          epsilon = m;
        }
        case "v_prediction" -> {
          original = sqrtAlpha * s - sqrtBeta * m;
          epsilon = sqrtAlpha * m + sqrtBeta * s;
        }
        default -> {
          original = m;
          epsilon = (s - sqrtAlpha * original) / sqrtBeta;
        }
      }
      if (clipSample) {
        original = Math.min(Math.max(original, -clipSampleRange), clipSampleRange);
      }
      x0[i] = original;
      prev[i] = sqrtAlphaPrev * original + direction * epsilon;
    }
    return new StepOutput(prev, x0);
  }

  @Override
  public float[] addNoise(float[] original, float[] noise, int stepIndex) {
    checkIndex(stepIndex, original, noise);
    return addNoiseAtTrainStep(original, noise, (int) timesteps[stepIndex]);
  }
}
