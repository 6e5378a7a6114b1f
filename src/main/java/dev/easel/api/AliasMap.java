package dev.easel.api;

import java.util.Map;
import java.util.Optional;

/**
 * Which local model answers each OpenAI model name. Names without an explicit mapping go to the
 * first loaded model, so with one model every alias maps to it.
 *
 * @param explicit OpenAI model id ({@link ModelRules#id()}) to local model name
 */
public record AliasMap(Map<String, String> explicit) {
  public AliasMap {
    explicit = Map.copyOf(explicit);
  }

  /** The local model for a request, or empty when no model is loaded. */
  Optional<String> localModel(ImageJob job, ModelDirectory models) {
    if (job.localModel() != null) {
      return Optional.of(job.localModel());
    }
    return localModel(job.rules(), models);
  }

  /** The local model answering an OpenAI model name, or empty when none is loaded. */
  public Optional<String> localModel(ModelRules rules, ModelDirectory models) {
    String mapped = explicit.get(rules.id());
    if (mapped != null) {
      return Optional.of(mapped);
    }
    return models.names().stream().findFirst();
  }
}
