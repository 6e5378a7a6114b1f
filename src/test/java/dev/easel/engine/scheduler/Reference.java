package dev.easel.engine.scheduler;

/** Independent float64 derivations of the published scheduler formulas, for comparison. */
final class Reference {
  private Reference() {}

  static final String SD15 =
      """
      {"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
       "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000,
       "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1,
       "trained_betas": null, "clip_sample": false}
      """;

  static final String SD21 =
      """
      {"_class_name": "DDIMScheduler", "_diffusers_version": "0.8.0", "beta_end": 0.012,
       "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": false,
       "num_train_timesteps": 1000, "prediction_type": "v_prediction", "set_alpha_to_one": false,
       "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null}
      """;

  static final String SD_TURBO =
      """
      {"_class_name": "EulerAncestralDiscreteScheduler", "_diffusers_version": "0.24.0",
       "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
       "num_train_timesteps": 1000, "prediction_type": "epsilon", "steps_offset": 1,
       "timestep_spacing": "trailing", "trained_betas": null}
      """;

  static final String SDXL =
      """
      {"_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.19.0.dev0",
       "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
       "clip_sample": false, "interpolation_type": "linear", "num_train_timesteps": 1000,
       "prediction_type": "epsilon", "sample_max_value": 1.0, "set_alpha_to_one": false,
       "skip_prk_steps": true, "steps_offset": 1, "timestep_spacing": "leading",
       "trained_betas": null, "use_karras_sigmas": false}
      """;

  static SchedulerConfig config(String json) {
    return SchedulerConfig.parse(json);
  }

  /** alphas_cumprod of a scaled_linear schedule in float64. */
  static double[] scaledLinearAlphasCumprod(double start, double end, int steps) {
    double[] out = new double[steps];
    double product = 1;
    double a = Math.sqrt(start);
    double b = Math.sqrt(end);
    for (int i = 0; i < steps; i++) {
      double root = a + (b - a) * i / (steps - 1);
      product *= 1 - root * root;
      out[i] = product;
    }
    return out;
  }

  static double sigma(double alphaCumprod) {
    return Math.sqrt((1 - alphaCumprod) / alphaCumprod);
  }

  /** Linear interpolation of sigma over training steps. */
  static double sigmaAt(double[] alphasCumprod, double t) {
    int low = (int) Math.floor(t);
    if (low >= alphasCumprod.length - 1) {
      return sigma(alphasCumprod[alphasCumprod.length - 1]);
    }
    double w = t - low;
    return (1 - w) * sigma(alphasCumprod[low]) + w * sigma(alphasCumprod[low + 1]);
  }

  static double[] sd15AlphasCumprod() {
    return scaledLinearAlphasCumprod(0.00085, 0.012, 1000);
  }

  static float[] random(long seed, int n) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return out;
  }
}
