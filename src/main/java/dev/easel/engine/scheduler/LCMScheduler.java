package dev.easel.engine.scheduler;

import static dev.easel.engine.scheduler.Options.or;

import dev.easel.engine.noise.NoiseSource;

/**
 * diffusers' {@code LCMScheduler} (latent consistency models, Luo et al. 2023): timesteps picked
 * from the {@code original_inference_steps} distillation schedule, the consistency boundary
 * condition on the predicted x0, and fresh noise before every step but the last.
 */
public final class LCMScheduler extends AbstractScheduler {
  private static final float SIGMA_DATA_SQUARED = 0.25f;

  private final String predictionType;
  private final int originalInferenceSteps;
  private final boolean clipSample;
  private final float clipSampleRange;
  private final float timestepScaling;

  /** Builds the scheduler from a model's config; unset keys take diffusers' defaults. */
  public LCMScheduler(SchedulerConfig config) {
    super(TrainingSchedule.of(config, TrainingSchedule.Defaults.LCM, false));
    predictionType = Options.predictionType(config, "epsilon", "v_prediction", "sample");
    originalInferenceSteps =
        Options.positive("original_inference_steps", config.originalInferenceSteps(), 50);
    if (originalInferenceSteps > training.trainSteps()) {
      throw Options.unsupported(
          "original_inference_steps",
          originalInferenceSteps,
          "more than the " + training.trainSteps() + " training steps");
    }
    clipSample = or(config.clipSample(), false);
    clipSampleRange = or(config.clipSampleRange(), 1.0).floatValue();
    timestepScaling = or(config.timestepScaling(), 10.0).floatValue();
    Options.refuseTrue("thresholding", config.thresholding());
  }

  @Override
  public String infotextName() {
    return "LCM";
  }

  @Override
  public String className() {
    return "LCMScheduler";
  }

  @Override
  public void setTimesteps(int steps) {
    Options.requireSteps(steps);
    int k = training.trainSteps() / originalInferenceSteps;
    if (steps > originalInferenceSteps) {
      throw new IllegalArgumentException(
          "LCM cannot run "
              + steps
              + " steps: at most original_inference_steps = "
              + originalInferenceSteps);
    }
    int originLength = originalInferenceSteps;
    double[] indices = ScheduleMath.linspace(0, originLength, steps, false);
    double[] t = new double[steps];
    for (int i = 0; i < steps; i++) {
      int descending = (int) Math.floor(indices[i]);
      t[i] = (double) (originLength - descending) * k - 1;
    }
    startLoop(t);
  }

  @Override
  public StepOutput step(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
    enterStep(stepIndex, modelOutput, sample);
    boolean last = stepIndex == timesteps.length - 1;
    int t = (int) timesteps[stepIndex];
    int prevT = last ? t : (int) timesteps[stepIndex + 1];
    float alphaProd = training.alphasCumprod()[t];
    float alphaProdPrev = training.alphasCumprod()[prevT];
    float sqrtAlpha = (float) Math.sqrt(alphaProd);
    float sqrtBeta = (float) Math.sqrt(1 - alphaProd);
    float scaled = t * timestepScaling;
    float scaledSquaredPlus = scaled * scaled + SIGMA_DATA_SQUARED;
    float cSkip = SIGMA_DATA_SQUARED / scaledSquaredPlus;
    float cOut = scaled / (float) Math.sqrt(scaledSquaredPlus);
    float[] denoised = new float[sample.length];
    for (int i = 0; i < denoised.length; i++) {
      float m = modelOutput[i];
      float s = sample[i];
      float original =
          switch (predictionType) {
            case "epsilon" -> (s - sqrtBeta * m) / sqrtAlpha;
            case "v_prediction" -> sqrtAlpha * s - sqrtBeta * m;
            default -> m;
          };
      if (clipSample) {
        original = Math.min(Math.max(original, -clipSampleRange), clipSampleRange);
      }
      denoised[i] = cOut * original + cSkip * s;
    }
    if (last) {
      return new StepOutput(denoised.clone(), denoised);
    }
    float[] fresh = drawNoise(noise, sample);
    float sqrtAlphaPrev = (float) Math.sqrt(alphaProdPrev);
    float sqrtBetaPrev = (float) Math.sqrt(1 - alphaProdPrev);
    float[] prev = new float[sample.length];
    for (int i = 0; i < prev.length; i++) {
      prev[i] = sqrtAlphaPrev * denoised[i] + sqrtBetaPrev * fresh[i];
    }
    return new StepOutput(prev, denoised);
  }

  @Override
  public float[] addNoise(float[] original, float[] noise, int stepIndex) {
    checkIndex(stepIndex, original, noise);
    return addNoiseAtTrainStep(original, noise, (int) timesteps[stepIndex]);
  }
}
