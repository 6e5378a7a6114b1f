package dev.easel.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model folder in the diffusers layout: {@code model_index.json} naming the pipeline class and
 * its components, each component in a sub-folder ({@code unet/}, {@code vae/}, {@code
 * text_encoder/}, …) with its {@code config.json} and weights, or pre-exported as {@code
 * model.onnx} (Optimum layout: {@code vae_decoder/}, {@code vae_encoder/}).
 */
public record ModelFolder(Path root, String pipelineClass, JsonNode index) {

  public static ModelFolder open(Path root) {
    if (!Files.isDirectory(root)) {
      throw new ModelException(root + ": not a folder");
    }
    ComponentConfig index = ComponentConfig.readFile(root.resolve("model_index.json"));
    String cls = index.getString("_class_name", null);
    if (cls == null) {
      throw new ModelException(root.resolve("model_index.json") + ": missing '_class_name'");
    }
    return new ModelFolder(root, cls, index.json());
  }

  /** The folder of a component ({@code "unet"}, {@code "text_encoder_2"}, …). */
  public Path component(String name) {
    return root.resolve(name);
  }

  /** Whether model_index.json lists the component (not null) and its folder exists. */
  public boolean has(String name) {
    JsonNode entry = index.get(name);
    boolean listed = entry != null && entry.isArray() && !entry.get(0).isNull();
    return (listed || !index.has(name)) && Files.isDirectory(root.resolve(name));
  }

  /** A component that must be there; the error says which and where. */
  public Path require(String name) {
    if (!has(name)) {
      throw new ModelException(
          root + ": the " + pipelineClass + " model has no '" + name + "' component folder");
    }
    return component(name);
  }

  /** Whether the component ships pre-exported as {@code model.onnx}. */
  public boolean isPreExported(String name) {
    return Files.isRegularFile(root.resolve(name).resolve("model.onnx"));
  }

  /**
   * The name a user knows the model by: the folder's name, or {@code ORG/NAME} for a snapshot in
   * the Hugging Face cache ({@code models--ORG--NAME/snapshots/COMMIT}).
   */
  public String name() {
    Path abs = root.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    Path repo = parent == null ? null : parent.getParent();
    if (parent != null
        && repo != null
        && parent.getFileName().toString().equals("snapshots")
        && repo.getFileName().toString().startsWith("models--")) {
      return repo.getFileName().toString().substring("models--".length()).replace("--", "/");
    }
    return abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
  }

  /** Component names listed in model_index.json (keys not starting with an underscore). */
  public List<String> components() {
    List<String> out = new ArrayList<>();
    index
        .properties()
        .forEach(
            e -> {
              if (!e.getKey().startsWith("_") && e.getValue().isArray()) {
                out.add(e.getKey());
              }
            });
    return out;
  }
}
