package dev.easel.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Stable Diffusion families Easel runs, with what differs between them at run time: native
 * resolution, sensible defaults for steps and guidance, and whether an SDXL second text encoder is
 * used.
 */
public enum Architecture {
  TINY("tiny", 64, 4, 7.5, false),
  TINY_XL("tiny-xl", 64, 4, 5.0, true),
  SD15("sd15", 512, 25, 7.5, false),
  SD21("sd21", 768, 25, 7.5, false),
  SD_TURBO("sd-turbo", 512, 1, 0.0, false),
  SDXL("sdxl", 1024, 25, 5.0, true),
  SDXL_TURBO("sdxl-turbo", 512, 1, 0.0, true);

  private final String id;
  private final int nativeSize;
  private final int defaultSteps;
  private final double defaultGuidance;
  private final boolean xl;

  Architecture(String id, int nativeSize, int defaultSteps, double defaultGuidance, boolean xl) {
    this.id = id;
    this.nativeSize = nativeSize;
    this.defaultSteps = defaultSteps;
    this.defaultGuidance = defaultGuidance;
    this.xl = xl;
  }

  public String id() {
    return id;
  }

  public int nativeSize() {
    return nativeSize;
  }

  public int defaultSteps() {
    return defaultSteps;
  }

  public double defaultGuidance() {
    return defaultGuidance;
  }

  public boolean isXl() {
    return xl;
  }

  public boolean isTurbo() {
    return this == SD_TURBO || this == SDXL_TURBO;
  }

  public static Architecture parse(String id) {
    for (Architecture a : values()) {
      if (a.id.equals(id.toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown architecture '"
            + id
            + "'; known: "
            + String.join(", ", Arrays.stream(values()).map(Architecture::id).toList()));
  }

  /**
   * Recognises a model folder's family: Easel's own marker in model_index.json when present ({@code
   * _easel_architecture}, written by {@code easel random-model}), else the UNet's config (SDXL's
   * {@code text_time} embedding, the cross-attention width) and the scheduler's {@code
   * timestep_spacing} ({@code trailing} marks the Turbo distillations).
   */
  public static Architecture detect(ModelFolder folder) {
    JsonNode marker = folder.index().get("_easel_architecture");
    if (marker != null && marker.isTextual()) {
      return parse(marker.asText());
    }
    ComponentConfig unet = ComponentConfig.read(folder.require("unet"));
    boolean trailing = false;
    if (folder.has("scheduler")) {
      ComponentConfig scheduler =
          ComponentConfig.readFile(folder.component("scheduler").resolve("scheduler_config.json"));
      trailing = "trailing".equals(scheduler.getString("timestep_spacing", "leading"));
    }
    if ("text_time".equals(unet.getString("addition_embed_type", null))) {
      return trailing ? SDXL_TURBO : SDXL;
    }
    int[] cross = unet.getInts("cross_attention_dim", new int[] {768}, 1);
    return switch (cross[0]) {
      case 768 -> SD15;
      case 1024 -> trailing ? SD_TURBO : SD21;
      default -> TINY;
    };
  }
}
