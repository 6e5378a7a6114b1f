package dev.easel.studio;

/**
 * One image in the studio's history: where it is, when it was made, and the settings that made it.
 *
 * @param id the entry's name (lower-case letters, digits and dashes)
 * @param created Unix seconds when it was recorded
 * @param width image width in pixels
 * @param height image height in pixels
 * @param parameters what was asked for
 */
public record HistoryEntry(String id, long created, int width, int height, Parameters parameters) {

  /**
   * The request behind an image, as the studio sent it.
   *
   * @param mode {@code generate}, {@code edit} or {@code variation}
   * @param model the model name asked for (a local name or an OpenAI alias)
   * @param prompt the prompt (empty for variations)
   * @param negativePrompt the negative prompt, or null
   * @param seed the seed the server reported for this image
   * @param steps denoising steps, or null when the model's default was used
   * @param guidanceScale guidance scale, or null when the model's default was used
   * @param scheduler scheduler name, or null for the model's own
   * @param source id of the history entry this image was made from (edits, variations), or null
   */
  public record Parameters(
      String mode,
      String model,
      String prompt,
      String negativePrompt,
      long seed,
      Integer steps,
      Double guidanceScale,
      String scheduler,
      String source) {}
}
