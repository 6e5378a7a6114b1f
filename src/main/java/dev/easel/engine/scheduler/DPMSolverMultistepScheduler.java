package dev.easel.engine.scheduler;

import static dev.easel.engine.scheduler.Options.or;

import dev.easel.engine.noise.NoiseSource;

/**
 * diffusers' {@code DPMSolverMultistepScheduler} with {@code algorithm_type: dpmsolver++} (Lu et
 * al. 2022), first or second order, midpoint or Heun second-order update, optional Karras sigmas. A
 * final sigma of zero forces a first-order last step.
 */
public final class DPMSolverMultistepScheduler extends AbstractScheduler {
  private final SchedulerConfig config;
  private final String predictionType;
  private final String spacing;
  private final int stepsOffset;
  private final int solverOrder;
  private final boolean heun;
  private final boolean lowerOrderFinal;
  private final boolean eulerAtFinal;
  private final boolean karras;
  private final boolean finalSigmaZero;
  private final float[] trainingSigmas;
  private float[] sigmas;
  private float[] previousX0;
  private int lowerOrderNums;

  /** Builds the scheduler from a model's config; unset keys take diffusers' defaults. */
  public DPMSolverMultistepScheduler(SchedulerConfig config) {
    super(TrainingSchedule.of(config, TrainingSchedule.Defaults.COMMON, true));
    this.config = config;
    predictionType = Options.predictionType(config, "epsilon", "v_prediction", "sample");
    spacing = Options.timestepSpacing(config, "linspace");
    stepsOffset = or(config.stepsOffset(), 0);
    solverOrder = or(config.solverOrder(), 2);
    if (solverOrder != 1 && solverOrder != 2) {
      throw Options.unsupported("solver_order", solverOrder, "supported: 1, 2");
    }
    // diffusers maps the DEIS and UniPC names to its defaults, as done here.
    String algorithm = or(config.algorithmType(), "dpmsolver++");
    Options.oneOf(
        "algorithm_type", algorithm.equals("deis") ? "dpmsolver++" : algorithm, "dpmsolver++");
    String solverType = or(config.solverType(), "midpoint");
    if (solverType.equals("logrho") || solverType.startsWith("bh")) {
      solverType = "midpoint";
    }
    heun = Options.oneOf("solver_type", solverType, "midpoint", "heun").equals("heun");
    lowerOrderFinal = or(config.lowerOrderFinal(), true);
    eulerAtFinal = or(config.eulerAtFinal(), false);
    karras = or(config.useKarrasSigmas(), false);
    finalSigmaZero =
        Options.oneOf(
                "final_sigmas_type", or(config.finalSigmasType(), "zero"), "zero", "sigma_min")
            .equals("zero");
    Options.refuseTrue("thresholding", config.thresholding());
    Options.refuseTrue("use_exponential_sigmas", config.useExponentialSigmas());
    Options.refuseTrue("use_beta_sigmas", config.useBetaSigmas());
    Options.refuseTrue("use_lu_lambdas", config.useLuLambdas());
    Options.refuseTrue("use_flow_sigmas", config.useFlowSigmas());
    Options.refuseTrue("use_dynamic_shifting", config.useDynamicShifting());
    if (config.varianceType() != null) {
      throw Options.unsupported("variance_type", config.varianceType(), "learned variance");
    }
    trainingSigmas = ScheduleMath.trainingSigmas(training.alphasCumprod());
  }

  @Override
  public String infotextName() {
    return "DPM++ " + solverOrder + "M" + (karras ? " Karras" : "");
  }

  @Override
  public String className() {
    return "DPMSolverMultistepScheduler";
  }

  /** The noise level of each step index, plus the final one. */
  public float[] sigmas() {
    return sigmas.clone();
  }

  @Override
  public void setTimesteps(int steps) {
    Options.requireSteps(steps);
    int train = training.trainSteps();
    int last = train - clippedIndex();
    double[] t;
    switch (spacing) {
      case "linspace" -> {
        double[] points = ScheduleMath.linspace(0, last - 1, steps + 1, true);
        t = new double[steps];
        for (int i = 0; i < steps; i++) {
          t[i] = Math.rint(points[steps - i]);
        }
      }
      case "leading" -> {
        int ratio = last / (steps + 1);
        t = new double[steps];
        for (int i = 0; i < steps; i++) {
          t[i] = (double) (steps - i) * ratio + stepsOffset;
        }
      }
      default -> {
        t = ScheduleMath.arange(last, 0, -((double) train / steps));
        for (int i = 0; i < t.length; i++) {
          t[i] = Math.rint(t[i]) - 1;
        }
      }
    }
    double[] stepSigmas;
    if (karras) {
      stepSigmas =
          ScheduleMath.karras(trainingSigmas[0], trainingSigmas[trainingSigmas.length - 1], steps);
      float[] logSigmas = ScheduleMath.log(trainingSigmas);
      boolean round = !"squaredcos_cap_v2".equals(config.betaSchedule());
      t = new double[steps];
      for (int i = 0; i < steps; i++) {
        double fractional = ScheduleMath.sigmaToT(stepSigmas[i], logSigmas);
        t[i] = round ? Math.rint(fractional) : (long) fractional;
      }
    } else {
      stepSigmas = new double[t.length];
      for (int i = 0; i < t.length; i++) {
        stepSigmas[i] = ScheduleMath.interp(t[i], trainingSigmas);
      }
    }
    float[] table = new float[stepSigmas.length + 1];
    for (int i = 0; i < stepSigmas.length; i++) {
      table[i] = (float) stepSigmas[i];
    }
    table[stepSigmas.length] = finalSigmaZero ? 0f : trainingSigmas[0];
    sigmas = table;
    previousX0 = null;
    lowerOrderNums = 0;
    startLoop(t);
  }

  /** Index of the first training step whose log-SNR reaches {@code lambda_min_clipped}. */
  private int clippedIndex() {
    double threshold = or(config.lambdaMinClipped(), Double.NEGATIVE_INFINITY);
    float[] alphas = training.alphasCumprod();
    int n = alphas.length;
    for (int i = 0; i < n; i++) {
      float a = alphas[n - 1 - i];
      float lambda =
          (float) Math.log((float) Math.sqrt(a)) - (float) Math.log((float) Math.sqrt(1 - a));
      if (lambda >= threshold) {
        return i;
      }
    }
    return n;
  }

  @Override
  public StepOutput step(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
    enterStep(stepIndex, modelOutput, sample);
    int n = timesteps.length;
    boolean lastStepFirstOrder =
        stepIndex == n - 1 && (eulerAtFinal || (lowerOrderFinal && n < 15) || finalSigmaZero);
    float[] x0 = dataPrediction(modelOutput, sample, sigmas[stepIndex]);
    float[] prev =
        solverOrder == 1 || lowerOrderNums < 1 || lastStepFirstOrder
            ? firstOrder(x0, stepIndex, sample)
            : secondOrder(x0, previousX0, stepIndex, sample);
    previousX0 = x0;
    lowerOrderNums = Math.min(lowerOrderNums + 1, solverOrder);
    return new StepOutput(prev, x0);
  }

  private float[] dataPrediction(float[] modelOutput, float[] sample, float sigma) {
    float alphaT = alpha(sigma);
    float sigmaT = sigma * alphaT;
    float[] x0 = new float[sample.length];
    for (int i = 0; i < x0.length; i++) {
      x0[i] =
          switch (predictionType) {
            case "epsilon" -> (sample[i] - sigmaT * modelOutput[i]) / alphaT;
            case "v_prediction" -> alphaT * sample[i] - sigmaT * modelOutput[i];
            default -> modelOutput[i];
          };
    }
    return x0;
  }

  private static float alpha(float sigma) {
    return 1 / (float) Math.sqrt(sigma * sigma + 1);
  }

  private static float lambda(float sigma) {
    float alphaT = alpha(sigma);
    float sigmaT = sigma * alphaT;
    return (float) Math.log(alphaT) - (float) Math.log(sigmaT);
  }

  private float[] firstOrder(float[] x0, int stepIndex, float[] sample) {
    float sigmaS = sigmas[stepIndex];
    float sigmaNext = sigmas[stepIndex + 1];
    float alphaT = alpha(sigmaNext);
    float sigmaT = sigmaNext * alphaT;
    float h = lambda(sigmaNext) - lambda(sigmaS);
    float ratio = sigmaT / (sigmaS * alpha(sigmaS));
    float coefficient = alphaT * ((float) Math.exp(-h) - 1);
    float[] out = new float[sample.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = ratio * sample[i] - coefficient * x0[i];
    }
    return out;
  }

  private float[] secondOrder(float[] m0, float[] m1, int stepIndex, float[] sample) {
    float sigmaNext = sigmas[stepIndex + 1];
    float sigmaS0 = sigmas[stepIndex];
    float sigmaS1 = sigmas[stepIndex - 1];
    float alphaT = alpha(sigmaNext);
    float sigmaT = sigmaNext * alphaT;
    float lambdaT = lambda(sigmaNext);
    float lambdaS0 = lambda(sigmaS0);
    float lambdaS1 = lambda(sigmaS1);
    float h = lambdaT - lambdaS0;
    float h0 = lambdaS0 - lambdaS1;
    float r0 = h0 / h;
    float inverseR0 = 1 / r0;
    float ratio = sigmaT / (sigmaS0 * alpha(sigmaS0));
    float expMinusHMinusOne = (float) Math.exp(-h) - 1;
    float c0 = alphaT * expMinusHMinusOne;
    float c1 = heun ? alphaT * (expMinusHMinusOne / h + 1) : 0.5f * c0;
    float[] out = new float[sample.length];
    for (int i = 0; i < out.length; i++) {
      float d1 = inverseR0 * (m0[i] - m1[i]);
      float a = ratio * sample[i] - c0 * m0[i];
      out[i] = heun ? a + c1 * d1 : a - c1 * d1;
    }
    return out;
  }

  @Override
  public float[] addNoise(float[] original, float[] noise, int stepIndex) {
    checkIndex(stepIndex, original, noise);
    float sigma = sigmas[stepIndex];
    float alphaT = alpha(sigma);
    float sigmaT = sigma * alphaT;
    float[] out = new float[original.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = alphaT * original[i] + sigmaT * noise[i];
    }
    return out;
  }
}
