package dev.easel.engine.scheduler;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds a scheduler by API name or diffusers class name from a model's scheduler config. Like
 * diffusers' {@code from_config}, a different scheduler class keeps the model's training schedule
 * (betas, prediction type, spacing, ...): the keys the model's file sets carry over, the others
 * take the new class's defaults.
 */
public final class Schedulers {
  /** The API names, in the order they are offered. */
  public static final List<String> NAMES =
      List.of("ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "lcm");

  private static final Map<String, Function<SchedulerConfig, Scheduler>> BY_CLASS =
      Map.of(
          "DDIMScheduler", DDIMScheduler::new,
          "EulerDiscreteScheduler", EulerDiscreteScheduler::new,
          "EulerAncestralDiscreteScheduler", EulerAncestralDiscreteScheduler::new,
          "DPMSolverMultistepScheduler", DPMSolverMultistepScheduler::new,
          "LCMScheduler", LCMScheduler::new);

  private Schedulers() {}

  /**
   * A scheduler for a model.
   *
   * @param nameOrClass an API name from {@link #NAMES}, a diffusers class name such as {@code
   *     EulerDiscreteScheduler}, or {@code null} for the class the model's config names
   * @param modelConfig the model's scheduler_config.json
   * @throws IllegalArgumentException for an unknown name (the message lists the valid ones) or a
   *     config value the scheduler cannot honour
   */
  public static Scheduler create(String nameOrClass, SchedulerConfig modelConfig) {
    String requested = nameOrClass != null ? nameOrClass : modelConfig.className();
    if (requested == null) {
      throw new IllegalArgumentException(
          "no scheduler named and the model's scheduler config has no _class_name; choose one of "
              + validNames());
    }
    return switch (requested) {
      case "ddim" -> new DDIMScheduler(modelConfig);
      case "euler" -> new EulerDiscreteScheduler(modelConfig);
      case "euler_a" -> new EulerAncestralDiscreteScheduler(modelConfig);
      case "dpmpp_2m" -> new DPMSolverMultistepScheduler(dpmpp2m(modelConfig, false));
      case "dpmpp_2m_karras" -> new DPMSolverMultistepScheduler(dpmpp2m(modelConfig, true));
      case "lcm" -> new LCMScheduler(modelConfig);
      default -> {
        Function<SchedulerConfig, Scheduler> constructor = BY_CLASS.get(requested);
        if (constructor == null) {
          throw unsupported(
              (nameOrClass == null ? "the model's scheduler " : "unknown scheduler ")
                  + "\""
                  + requested
                  + "\"");
        }
        yield constructor.apply(modelConfig);
      }
    };
  }

  /** Whether {@link #create} knows this API or class name (its config may still be refused). */
  public static boolean isKnown(String nameOrClass) {
    return NAMES.contains(nameOrClass) || BY_CLASS.containsKey(nameOrClass);
  }

  /** Refuses a requested name {@link #create} does not know, with the same message. */
  public static void requireKnown(String name) {
    if (!isKnown(name)) {
      throw unsupported("unknown scheduler \"" + name + "\"");
    }
  }

  private static IllegalArgumentException unsupported(String what) {
    return new IllegalArgumentException(what + " is not supported; choose one of " + validNames());
  }

  private static SchedulerConfig dpmpp2m(SchedulerConfig config, boolean karras) {
    return config
        .with("algorithm_type", "dpmsolver++")
        .with("solver_order", 2)
        .with("use_karras_sigmas", karras);
  }

  private static String validNames() {
    return String.join(", ", NAMES)
        + " (or the diffusers classes "
        + String.join(", ", BY_CLASS.keySet().stream().sorted().toList())
        + ")";
  }
}
