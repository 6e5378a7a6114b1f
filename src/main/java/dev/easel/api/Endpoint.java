package dev.easel.api;

import dev.easel.engine.GenerationRequest;

/** The three image operations, with their paths, modes and streaming event prefixes. */
enum Endpoint {
  GENERATIONS("/v1/images/generations", GenerationRequest.Mode.TEXT_TO_IMAGE, "image_generation"),
  EDITS("/v1/images/edits", GenerationRequest.Mode.INPAINT, "image_edit"),
  VARIATIONS("/v1/images/variations", GenerationRequest.Mode.VARIATION, null);

  final String path;
  final GenerationRequest.Mode mode;
  final String eventPrefix;

  Endpoint(String path, GenerationRequest.Mode mode, String eventPrefix) {
    this.path = path;
    this.mode = mode;
    this.eventPrefix = eventPrefix;
  }

  /** The model used when the request names none (edits: gpt-image-1.5; others dall-e-2). */
  ModelRules defaultModel() {
    return this == EDITS ? ModelRules.GPT_IMAGE_1_5 : ModelRules.DALL_E_2;
  }
}
