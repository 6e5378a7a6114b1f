package dev.easel.engine.scheduler;

import dev.easel.engine.noise.NoiseSource;

/**
 * A diffusers noise scheduler: the timestep schedule of a denoising loop and the update from one
 * noise level to the next. Samples are batches [B, C, H, W] flattened into a float array; every
 * operation works element by element, in float32 as diffusers does.
 *
 * <p>A loop over a schedule of {@code n} steps, starting at {@code begin} ({@code 0} for
 * text-to-image, {@link #beginIndex(double)} for image-to-image):
 *
 * <pre>{@code
 * scheduler.setTimesteps(n);
 * float[] x = start;   // noise * initNoiseSigma(), or addNoise(imageLatents, noise, begin)
 * for (int i = begin; i < scheduler.timesteps().length; i++) {
 *   float[] modelOutput = unet(scheduler.scaleModelInput(x, i), scheduler.timesteps()[i]);
 *   x = scheduler.step(modelOutput, i, x, noise).prevSample();
 * }
 * }</pre>
 *
 * <p>Steps must be taken in order, one index after the other (multistep solvers remember earlier
 * model outputs); {@link #setTimesteps(int)} starts a new loop. Instances are not thread-safe.
 */
public interface Scheduler {

  /**
   * The diffusers class this scheduler reproduces, e.g. {@code EulerAncestralDiscreteScheduler}.
   */
  String className();

  /**
   * The sampler's name in the infotext the web UIs write and read, e.g. {@code Euler a} or {@code
   * DPM++ 2M Karras}.
   */
  String infotextName();

  /**
   * Computes the schedule for {@code steps} denoising steps and resets the loop state.
   *
   * @throws IllegalArgumentException if the step count is below 1 or too large for this scheduler
   */
  void setTimesteps(int steps);

  /**
   * The model timestep of each step index (what the UNet is given). Integers for DDIM, DPM-Solver
   * and LCM; float32 values, possibly fractional, for the Euler schedulers.
   */
  double[] timesteps();

  /**
   * The standard deviation of the starting noise: scale N(0, 1) noise by this for text-to-image.
   */
  float initNoiseSigma();

  /** The model input for step {@code stepIndex}: a new array, {@code sample} is left unchanged. */
  float[] scaleModelInput(float[] sample, int stepIndex);

  /**
   * One denoising step: from {@code sample} at step {@code stepIndex} to the sample of the next
   * noise level.
   *
   * @param modelOutput the model's prediction (noise, v or sample as the config's prediction_type
   *     says), same length as {@code sample}
   * @param noise source of the fresh noise that stochastic schedulers (Euler ancestral, LCM) draw,
   *     one generator per image; deterministic schedulers never call it and accept {@code null}
   */
  StepOutput step(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise);

  /**
   * Noises clean samples to the noise level of step {@code stepIndex} (image-to-image starts from
   * {@code addNoise(latents, noise, beginIndex(strength))}).
   */
  float[] addNoise(float[] original, float[] noise, int stepIndex);

  /**
   * The first step index of an image-to-image loop at {@code strength} (0..1], as diffusers' {@code
   * get_timesteps}: {@code init = min(int(steps * strength), steps)}, begin at {@code steps -
   * init}.
   *
   * @throws IllegalArgumentException if strength is outside (0, 1] or leaves no step to run
   */
  default int beginIndex(double strength) {
    if (!(strength > 0 && strength <= 1)) {
      throw new IllegalArgumentException("strength must be in (0, 1]: " + strength);
    }
    int steps = timesteps().length;
    int init = Math.min((int) (steps * strength), steps);
    if (init < 1) {
      throw new IllegalArgumentException(
          "strength " + strength + " with " + steps + " steps leaves no denoising step to run");
    }
    return Math.max(steps - init, 0);
  }

  /**
   * The result of a step.
   *
   * @param prevSample the sample at the next (lower) noise level
   * @param predictedOriginal the model's current estimate of the clean sample (x0), for previews;
   *     for LCM the boundary-condition denoised sample
   */
  record StepOutput(float[] prevSample, float[] predictedOriginal) {}
}
