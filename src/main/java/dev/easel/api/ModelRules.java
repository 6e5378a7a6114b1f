package dev.easel.api;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The OpenAI model names Easel answers to, each with the request rules OpenAI applies to it (see
 * the per-model matrix of the OpenAI contract), plus {@link #LOCAL} for a local model asked for by
 * its own name.
 */
public enum ModelRules {
  DALL_E_2(
      List.of("dall-e-2"),
      1000,
      10,
      List.of("256x256", "512x512", "1024x1024"),
      false,
      "1024x1024",
      List.of("standard", "auto"),
      List.of(),
      Family.DALL_E,
      Endpoints.ALL,
      1),
  DALL_E_3(
      List.of("dall-e-3"),
      4000,
      1,
      List.of("1024x1024", "1792x1024", "1024x1792"),
      false,
      "1024x1024",
      List.of("standard", "hd", "auto"),
      List.of("vivid", "natural"),
      Family.DALL_E,
      Endpoints.GENERATIONS_ONLY,
      0),
  GPT_IMAGE_1(List.of("gpt-image-1"), false, true),
  GPT_IMAGE_1_MINI(List.of("gpt-image-1-mini"), false, false),
  GPT_IMAGE_1_5(List.of("gpt-image-1.5"), false, true),
  GPT_IMAGE_2(List.of("gpt-image-2", "gpt-image-2-2026-04-21"), true, false),
  CHATGPT_IMAGE_LATEST(List.of("chatgpt-image-latest"), false, true),
  LOCAL(
      List.of(),
      32000,
      10,
      List.of("auto"),
      true,
      "auto",
      List.of("low", "medium", "high", "standard", "hd", "auto"),
      List.of("vivid", "natural"),
      Family.LOCAL,
      Endpoints.ALL,
      16);

  /** Which family's parameters a model takes. */
  public enum Family {
    DALL_E,
    GPT_IMAGE,
    LOCAL
  }

  /** Which image endpoints a model serves. */
  public enum Endpoints {
    ALL,
    GENERATIONS_AND_EDITS,
    GENERATIONS_ONLY
  }

  private final List<String> ids;
  private final int maxPromptLength;
  private final int maxN;
  private final List<String> sizes;
  private final boolean freeSizes;
  private final String defaultSize;
  private final List<String> qualities;
  private final List<String> styles;
  private final Family family;
  private final Endpoints endpoints;
  private final int maxEditImages;
  private final boolean inputFidelity;

  ModelRules(List<String> ids, boolean freeSizes, boolean inputFidelity) {
    this(
        ids,
        32000,
        10,
        List.of("1024x1024", "1536x1024", "1024x1536", "auto"),
        freeSizes,
        "auto",
        List.of("low", "medium", "high", "auto"),
        List.of(),
        Family.GPT_IMAGE,
        Endpoints.GENERATIONS_AND_EDITS,
        16,
        inputFidelity);
  }

  ModelRules(
      List<String> ids,
      int maxPromptLength,
      int maxN,
      List<String> sizes,
      boolean freeSizes,
      String defaultSize,
      List<String> qualities,
      List<String> styles,
      Family family,
      Endpoints endpoints,
      int maxEditImages) {
    this(
        ids,
        maxPromptLength,
        maxN,
        sizes,
        freeSizes,
        defaultSize,
        qualities,
        styles,
        family,
        endpoints,
        maxEditImages,
        family == Family.LOCAL);
  }

  ModelRules(
      List<String> ids,
      int maxPromptLength,
      int maxN,
      List<String> sizes,
      boolean freeSizes,
      String defaultSize,
      List<String> qualities,
      List<String> styles,
      Family family,
      Endpoints endpoints,
      int maxEditImages,
      boolean inputFidelity) {
    this.ids = ids;
    this.maxPromptLength = maxPromptLength;
    this.maxN = maxN;
    this.sizes = sizes;
    this.freeSizes = freeSizes;
    this.defaultSize = defaultSize;
    this.qualities = qualities;
    this.styles = styles;
    this.family = family;
    this.endpoints = endpoints;
    this.maxEditImages = maxEditImages;
    this.inputFidelity = inputFidelity;
  }

  /** The alias with this OpenAI model name. */
  public static Optional<ModelRules> byId(String id) {
    return Arrays.stream(values()).filter(r -> r.ids.contains(id)).findFirst();
  }

  /** Every OpenAI model name Easel answers to, in table order. */
  public static List<String> allIds() {
    return Arrays.stream(values()).flatMap(r -> r.ids.stream()).toList();
  }

  /** The main OpenAI name ({@code gpt-image-2} for both gpt-image-2 names). */
  public String id() {
    return ids.isEmpty() ? "" : ids.get(0);
  }

  public List<String> ids() {
    return ids;
  }

  public int maxPromptLength() {
    return maxPromptLength;
  }

  public int maxN() {
    return maxN;
  }

  /** Sizes listed by name (free {@code WxH} sizes come on top when {@link #freeSizes()}). */
  public List<String> sizes() {
    return sizes;
  }

  public boolean freeSizes() {
    return freeSizes;
  }

  public String defaultSize() {
    return defaultSize;
  }

  public List<String> qualities() {
    return qualities;
  }

  public List<String> styles() {
    return styles;
  }

  public Family family() {
    return family;
  }

  public boolean isGptImage() {
    return family == Family.GPT_IMAGE;
  }

  /** DALL·E models (and local names) take {@code response_format}; GPT image models reject it. */
  public boolean acceptsResponseFormat() {
    return family != Family.GPT_IMAGE;
  }

  /** GPT image models (and local names) take output_format, background, stream and so on. */
  public boolean acceptsGptParameters() {
    return family != Family.DALL_E;
  }

  public boolean servesEdits() {
    return endpoints != Endpoints.GENERATIONS_ONLY;
  }

  public boolean servesVariations() {
    return endpoints == Endpoints.ALL;
  }

  public int maxEditImages() {
    return maxEditImages;
  }

  /** dall-e-2 takes one square PNG under 4 MB for edits and variations. */
  public boolean requiresSquarePng() {
    return this == DALL_E_2;
  }

  public boolean acceptsInputFidelity() {
    return inputFidelity;
  }

  /** dall-e-3 reports the prompt it used. */
  public boolean revisesPrompt() {
    return this == DALL_E_3;
  }
}
