package dev.easel.engine.scheduler;

import static dev.easel.engine.scheduler.Options.or;

/**
 * The training noise schedule shared by all schedulers: betas and their cumulative alpha products,
 * in float32 as diffusers computes them.
 *
 * @param betas beta per training step
 * @param alphasCumprod cumulative product of (1 - beta) per training step
 */
record TrainingSchedule(float[] betas, float[] alphasCumprod) {

  /** Defaults that differ between scheduler classes. */
  record Defaults(double betaStart, double betaEnd, String betaSchedule) {
    static final Defaults COMMON = new Defaults(0.0001, 0.02, "linear");
    static final Defaults LCM = new Defaults(0.00085, 0.012, "scaled_linear");
  }

  int trainSteps() {
    return betas.length;
  }

  /**
   * Builds the schedule from a config.
   *
   * @param terminalAlphaFloor whether zero-SNR rescaling then sets the last alphas_cumprod to 2^-24
   *     (Euler and DPM-Solver do, DDIM and LCM do not)
   */
  static TrainingSchedule of(
      SchedulerConfig config, Defaults defaults, boolean terminalAlphaFloor) {
    float[] betas = betas(config, defaults);
    boolean zeroSnr = or(config.rescaleBetasZeroSnr(), false);
    if (zeroSnr) {
      betas = rescaleZeroTerminalSnr(betas);
    }
    float[] alphasCumprod = ScheduleMath.cumprod(oneMinus(betas));
    if (zeroSnr && terminalAlphaFloor) {
      alphasCumprod[alphasCumprod.length - 1] = 0x1p-24f;
    }
    return new TrainingSchedule(betas, alphasCumprod);
  }

  private static float[] betas(SchedulerConfig config, Defaults defaults) {
    double[] trained = config.trainedBetas();
    if (trained != null) {
      if (trained.length == 0) {
        throw Options.unsupported("trained_betas", "[]", "needs at least one value");
      }
      float[] betas = new float[trained.length];
      for (int i = 0; i < trained.length; i++) {
        betas[i] = (float) trained[i];
      }
      return betas;
    }
    int steps = Options.positive("num_train_timesteps", config.numTrainTimesteps(), 1000);
    double start = or(config.betaStart(), defaults.betaStart());
    double end = or(config.betaEnd(), defaults.betaEnd());
    String schedule = or(config.betaSchedule(), defaults.betaSchedule());
    switch (Options.oneOf(
        "beta_schedule", schedule, "linear", "scaled_linear", "squaredcos_cap_v2")) {
      case "linear":
        return ScheduleMath.torchLinspace((float) start, (float) end, steps);
      case "scaled_linear":
        float[] roots =
            ScheduleMath.torchLinspace((float) Math.sqrt(start), (float) Math.sqrt(end), steps);
        for (int i = 0; i < steps; i++) {
          roots[i] = roots[i] * roots[i];
        }
        return roots;
      default:
        return betasForCosineAlphaBar(steps);
    }
  }

  /** diffusers' {@code betas_for_alpha_bar} with the cosine transform (Nichol & Dhariwal). */
  private static float[] betasForCosineAlphaBar(int steps) {
    float[] betas = new float[steps];
    for (int i = 0; i < steps; i++) {
      double t1 = (double) i / steps;
      double t2 = (double) (i + 1) / steps;
      betas[i] = (float) Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), 0.999);
    }
    return betas;
  }

  private static double cosineAlphaBar(double t) {
    double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }

  /** Lin et al. (2023), Algorithm 1, in float32 as diffusers' {@code rescale_zero_terminal_snr}. */
  private static float[] rescaleZeroTerminalSnr(float[] betas) {
    float[] alphasCumprod = ScheduleMath.cumprod(oneMinus(betas));
    int n = betas.length;
    float[] sqrtBar = new float[n];
    for (int i = 0; i < n; i++) {
      sqrtBar[i] = (float) Math.sqrt(alphasCumprod[i]);
    }
    float first = sqrtBar[0];
    float last = sqrtBar[n - 1];
    float scale = first / (first - last);
    float[] alphasBar = new float[n];
    for (int i = 0; i < n; i++) {
      float shifted = (sqrtBar[i] - last) * scale;
      alphasBar[i] = shifted * shifted;
    }
    float[] rescaled = new float[n];
    rescaled[0] = 1 - alphasBar[0];
    for (int i = 1; i < n; i++) {
      rescaled[i] = 1 - alphasBar[i] / alphasBar[i - 1];
    }
    return rescaled;
  }

  private static float[] oneMinus(float[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = 1 - x[i];
    }
    return out;
  }
}
