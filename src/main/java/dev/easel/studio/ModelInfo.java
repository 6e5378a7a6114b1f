package dev.easel.studio;

import dev.easel.api.AliasMap;
import dev.easel.api.ModelDirectory;
import dev.easel.api.ModelRules;
import dev.easel.engine.ImageGenerator;
import dev.easel.engine.ModelCapabilities;
import dev.easel.engine.scheduler.Schedulers;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the studio's form needs to know about a model name from {@code /v1/models}: the local model
 * answering it, its defaults (so the form can show and send them), and the sizes and counts the
 * name's rules allow.
 *
 * @param id the name asked about (local name or OpenAI alias)
 * @param localModel the loaded model answering it
 * @param architecture the local model's architecture
 * @param nativeSize the square side the model was trained at
 * @param defaultSteps steps the model uses by default
 * @param defaultGuidance guidance scale the model uses by default
 * @param inpainting whether the model has a 9-channel inpainting UNet
 * @param sizes sizes to offer, the default first
 * @param freeSizes whether any WIDTHxHEIGHT is accepted (then {@code sizeMultiple} applies)
 * @param sizeMultiple what free sizes must be multiples of
 * @param maxN the largest {@code n}
 * @param edits whether the name serves {@code /v1/images/edits}
 * @param variations whether the name serves {@code /v1/images/variations}
 * @param streaming whether the name takes {@code stream} and {@code partial_images}
 * @param responseFormat whether the name takes {@code response_format}
 * @param schedulers scheduler names the server accepts
 */
public record ModelInfo(
    String id,
    String localModel,
    String architecture,
    int nativeSize,
    int defaultSteps,
    double defaultGuidance,
    boolean inpainting,
    List<String> sizes,
    boolean freeSizes,
    int sizeMultiple,
    int maxN,
    boolean edits,
    boolean variations,
    boolean streaming,
    boolean responseFormat,
    List<String> schedulers) {

  /** Local models take any multiple of 8 (the API's rule) that the model also divides. */
  private static final int LOCAL_MULTIPLE = 8;

  private static final int MIN_SIDE = 64;

  /** The model behind {@code id}, or empty when no loaded model answers it. */
  public static Optional<ModelInfo> of(String id, ModelDirectory models, AliasMap aliases) {
    Optional<ImageGenerator> local = models.get(id);
    ModelRules rules = ModelRules.LOCAL;
    if (local.isEmpty()) {
      Optional<ModelRules> alias = ModelRules.byId(id);
      if (alias.isEmpty()) {
        return Optional.empty();
      }
      rules = alias.get();
      local = aliases.localModel(rules, models).flatMap(models::get);
    }
    if (local.isEmpty()) {
      return Optional.empty();
    }
    ModelCapabilities caps = local.get().capabilities();
    int multiple = lcm(LOCAL_MULTIPLE, Math.max(1, caps.sizeMultiple()));
    List<String> sizes =
        rules == ModelRules.LOCAL
            ? presets(caps.nativeSize(), multiple)
            : Stream.concat(Stream.of(rules.defaultSize()), rules.sizes().stream())
                .distinct()
                .toList();
    return Optional.of(
        new ModelInfo(
            id,
            local.get().name(),
            caps.architecture(),
            caps.nativeSize(),
            caps.defaultSteps(),
            caps.defaultGuidance(),
            caps.inpaintingUnet(),
            sizes,
            rules.freeSizes(),
            multiple,
            rules.maxN(),
            rules.servesEdits(),
            rules.servesVariations(),
            rules.acceptsGptParameters(),
            rules.acceptsResponseFormat(),
            Schedulers.NAMES));
  }

  /** Square, landscape 3:2 and portrait 2:3 around the native size (the API's minimum is 64). */
  private static List<String> presets(int nativeSize, int multiple) {
    int side = Math.max(MIN_SIDE, roundTo(nativeSize, multiple));
    int wide = roundTo(side * 3 / 2, multiple);
    return List.of(side + "x" + side, wide + "x" + side, side + "x" + wide);
  }

  private static int roundTo(int v, int multiple) {
    return Math.max(multiple, Math.round((float) v / multiple) * multiple);
  }

  private static int lcm(int a, int b) {
    int x = a;
    int y = b;
    while (y != 0) {
      int t = x % y;
      x = y;
      y = t;
    }
    return a / x * b;
  }
}
