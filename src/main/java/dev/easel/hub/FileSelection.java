package dev.easel.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Chooses which files of a diffusers-layout repository Easel downloads: {@code model_index.json},
 * and for each component it loads, the JSON and text files directly in its folder (configs,
 * tokenizer files, shard indexes) plus one weight variant — the {@code fp16} safetensors when
 * offered, else the plain safetensors, else a pre-exported {@code model.onnx}. Pickles ({@code
 * .bin}, {@code .ckpt}, {@code .pt}), Flax/TF weights, other variants ({@code ema}, {@code
 * non_ema}, {@code bf16}), single-file checkpoints at the top and components Easel does not run
 * ({@code safety_checker}, {@code feature_extractor}, {@code image_encoder}) are skipped.
 */
public final class FileSelection {
  public static final String MODEL_INDEX = "model_index.json";

  /** Components of diffusers pipelines that Easel never loads. */
  public static final Set<String> SKIPPED_COMPONENTS =
      Set.of("safety_checker", "feature_extractor", "image_encoder");

  private static final Pattern PLAIN =
      Pattern.compile("[^.]+(-\\d{5}-of-\\d{5})?\\.safetensors|[^.]+\\.safetensors\\.index\\.json");
  private static final Pattern FP16 =
      Pattern.compile(
          "[^.]+\\.fp16(-\\d{5}-of-\\d{5})?\\.safetensors"
              + "|[^.]+\\.safetensors\\.index\\.fp16\\.json"
              + "|[^.]+\\.fp16\\.safetensors\\.index\\.json");
  private static final Pattern ONNX = Pattern.compile("[^.]+\\.onnx(_data)?|[^.]+\\.onnx\\.data");
  private static final Pattern METADATA = Pattern.compile("[^/]+\\.(json|txt)");

  private FileSelection() {}

  /** The components model_index.json names, minus those Easel does not load. */
  public static List<String> components(JsonNode modelIndex) {
    List<String> out = new ArrayList<>();
    modelIndex
        .properties()
        .forEach(
            e -> {
              JsonNode v = e.getValue();
              if (!e.getKey().startsWith("_")
                  && v.isArray()
                  && !v.path(0).isNull()
                  && !SKIPPED_COMPONENTS.contains(e.getKey())) {
                out.add(e.getKey());
              }
            });
    return out;
  }

  /**
   * The files to fetch (model_index.json first).
   *
   * @throws HubException when a component Easel needs offers no weights it can load
   */
  public static List<RemoteFile> select(RepoInfo repo, JsonNode modelIndex) {
    Map<String, RemoteFile> byPath = new LinkedHashMap<>();
    repo.files().forEach(f -> byPath.put(f.path(), f));
    List<RemoteFile> out = new ArrayList<>();
    out.add(byPath.get(MODEL_INDEX));
    for (String component : components(modelIndex)) {
      String prefix = component + "/";
      List<RemoteFile> plain = new ArrayList<>();
      List<RemoteFile> fp16 = new ArrayList<>();
      List<RemoteFile> onnx = new ArrayList<>();
      List<String> others = new ArrayList<>();
      boolean any = false;
      for (RemoteFile f : repo.files()) {
        if (!f.path().startsWith(prefix)) {
          continue;
        }
        any = true;
        String name = f.path().substring(prefix.length());
        if (FP16.matcher(name).matches()) {
          fp16.add(f);
        } else if (PLAIN.matcher(name).matches()) {
          plain.add(f);
        } else if (ONNX.matcher(name).matches()) {
          onnx.add(f);
        } else if (METADATA.matcher(name).matches()
            && !name.matches(".*\\.(bin|msgpack|h5)\\..*")) {
          out.add(f);
        } else {
          others.add(name);
        }
      }
      if (!any) {
        throw new HubException(
            repo.repo() + ": model_index.json names '" + component + "' but it has no such folder");
      }
      boolean needsWeights = !component.startsWith("tokenizer") && !component.equals("scheduler");
      List<RemoteFile> weights = !fp16.isEmpty() ? fp16 : !plain.isEmpty() ? plain : onnx;
      if (needsWeights && weights.isEmpty()) {
        throw new HubException(
            repo.repo()
                + ": '"
                + component
                + "' offers no safetensors or ONNX weights (only "
                + String.join(", ", others)
                + "). Easel does not load pickled weights (.bin/.ckpt), which can run arbitrary"
                + " code; convert them to safetensors first.");
      }
      out.addAll(weights);
    }
    return out;
  }
}
