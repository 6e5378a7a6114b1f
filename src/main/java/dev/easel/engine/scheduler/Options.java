package dev.easel.engine.scheduler;

import java.util.Arrays;

/** Reading scheduler_config.json values with a scheduler's defaults, and refusing bad ones. */
final class Options {
  private Options() {}

  static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }

  static String oneOf(String key, String value, String... supported) {
    if (!Arrays.asList(supported).contains(value)) {
      throw unsupported(key, value, "supported: " + String.join(", ", supported));
    }
    return value;
  }

  /** {@code prediction_type}, epsilon by default, one of {@code supported}. */
  static String predictionType(SchedulerConfig config, String... supported) {
    return oneOf("prediction_type", or(config.predictionType(), "epsilon"), supported);
  }

  /** {@code timestep_spacing} with the scheduler's own default. */
  static String timestepSpacing(SchedulerConfig config, String fallback) {
    return oneOf(
        "timestep_spacing",
        or(config.timestepSpacing(), fallback),
        "linspace",
        "leading",
        "trailing");
  }

  static void refuseTrue(String key, Boolean value) {
    if (Boolean.TRUE.equals(value)) {
      throw unsupported(key, true, "not supported");
    }
  }

  static int positive(String key, Integer value, int fallback) {
    int v = or(value, fallback);
    if (v < 1) {
      throw unsupported(key, v, "must be at least 1");
    }
    return v;
  }

  static IllegalArgumentException unsupported(String key, Object value, String detail) {
    String shown = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    return new IllegalArgumentException(
        "scheduler config: " + key + " = " + shown + " is not supported (" + detail + ")");
  }

  static void requireSteps(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("number of inference steps must be at least 1: " + steps);
    }
  }
}
