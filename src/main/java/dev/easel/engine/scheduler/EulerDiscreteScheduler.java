package dev.easel.engine.scheduler;

import static dev.easel.engine.scheduler.Options.or;

import dev.easel.engine.noise.NoiseSource;

/**
 * diffusers' {@code EulerDiscreteScheduler}: Euler's method on the probability-flow ODE (Karras et
 * al. 2022, Algorithm 2, without churn), with linear or log-linear sigma interpolation and optional
 * Karras sigmas.
 */
public final class EulerDiscreteScheduler extends SigmaScheduler {
  private final String predictionType;
  private final String interpolationType;
  private final boolean karras;
  private final boolean finalSigmaMin;

  /** Builds the scheduler from a model's config; unset keys take diffusers' defaults. */
  public EulerDiscreteScheduler(SchedulerConfig config) {
    super(config);
    predictionType = Options.predictionType(config, "epsilon", "v_prediction", "sample");
    interpolationType =
        Options.oneOf(
            "interpolation_type", or(config.interpolationType(), "linear"), "linear", "log_linear");
    karras = or(config.useKarrasSigmas(), false);
    finalSigmaMin =
        Options.oneOf(
                "final_sigmas_type", or(config.finalSigmasType(), "zero"), "zero", "sigma_min")
            .equals("sigma_min");
    Options.refuseTrue("use_exponential_sigmas", config.useExponentialSigmas());
    Options.refuseTrue("use_beta_sigmas", config.useBetaSigmas());
    String timestepType =
        Options.oneOf(
            "timestep_type", or(config.timestepType(), "discrete"), "discrete", "continuous");
    if (timestepType.equals("continuous") && predictionType.equals("v_prediction")) {
      throw Options.unsupported("timestep_type", timestepType, "with v_prediction");
    }
  }

  @Override
  public String infotextName() {
    return "Euler";
  }

  @Override
  public String className() {
    return "EulerDiscreteScheduler";
  }

  @Override
  public void setTimesteps(int steps) {
    Options.requireSteps(steps);
    float[] spaced = spacedTimesteps(steps);
    int n = spaced.length;
    double[] stepSigmas;
    if (interpolationType.equals("linear")) {
      stepSigmas = new double[n];
      for (int i = 0; i < n; i++) {
        stepSigmas[i] = ScheduleMath.interp(spaced[i], trainingSigmas);
      }
    } else {
      float[] logLinear =
          ScheduleMath.torchLinspace(
              (float) Math.log(trainingSigmas[trainingSigmas.length - 1]),
              (float) Math.log(trainingSigmas[0]),
              n + 1);
      stepSigmas = new double[n + 1];
      for (int i = 0; i <= n; i++) {
        stepSigmas[i] = (float) Math.exp(logLinear[i]);
      }
    }
    double[] modelTimesteps = new double[n];
    for (int i = 0; i < n; i++) {
      modelTimesteps[i] = spaced[i];
    }
    if (karras) {
      double sigmaMin = or(config.sigmaMin(), stepSigmas[stepSigmas.length - 1]);
      double sigmaMax = or(config.sigmaMax(), stepSigmas[0]);
      stepSigmas = ScheduleMath.karras(sigmaMin, sigmaMax, steps);
      float[] logSigmas = ScheduleMath.log(trainingSigmas);
      modelTimesteps = new double[stepSigmas.length];
      for (int i = 0; i < stepSigmas.length; i++) {
        modelTimesteps[i] = (float) ScheduleMath.sigmaToT(stepSigmas[i], logSigmas);
      }
    }
    float[] table = new float[stepSigmas.length + 1];
    for (int i = 0; i < stepSigmas.length; i++) {
      table[i] = (float) stepSigmas[i];
    }
    table[stepSigmas.length] = finalSigmaMin ? trainingSigmas[0] : 0f;
    sigmas = table;
    startLoop(modelTimesteps);
  }

  @Override
  public StepOutput step(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
    enterStep(stepIndex, modelOutput, sample);
    float sigma = sigmas[stepIndex];
    float[] x0 = predictOriginal(predictionType, modelOutput, sample, sigma);
    float dt = sigmas[stepIndex + 1] - sigma;
    float[] prev = new float[sample.length];
    for (int i = 0; i < prev.length; i++) {
      float derivative = (sample[i] - x0[i]) / sigma;
      prev[i] = sample[i] + derivative * dt;
    }
    return new StepOutput(prev, x0);
  }
}
