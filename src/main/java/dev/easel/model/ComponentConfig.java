package dev.easel.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A diffusers component's {@code config.json}, read with checks: a missing file, a wrong type or a
 * value Easel does not support is reported with the file and the key.
 */
public final class ComponentConfig {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final JsonNode root;

  private ComponentConfig(Path file, JsonNode root) {
    this.file = file;
    this.root = root;
  }

  /** Reads {@code dir/config.json}. */
  public static ComponentConfig read(Path dir) {
    return readFile(dir.resolve("config.json"));
  }

  public static ComponentConfig readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ModelException(file + ": missing (every model component needs its config.json)");
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (root == null || !root.isObject()) {
        throw new ModelException(file + ": not a JSON object");
      }
      return new ComponentConfig(file, root);
    } catch (IOException e) {
      throw new ModelException(file + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  public static ComponentConfig of(Path file, JsonNode root) {
    return new ComponentConfig(file, root);
  }

  public Path file() {
    return file;
  }

  public JsonNode json() {
    return root;
  }

  public boolean has(String key) {
    return root.hasNonNull(key);
  }

  public int getInt(String key, int defaultValue) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw invalid(key, v, "a whole number");
    }
    return v.asInt();
  }

  public int requireInt(String key) {
    if (!has(key)) {
      throw new ModelException(file + ": missing key '" + key + "'");
    }
    return getInt(key, 0);
  }

  public double getDouble(String key, double defaultValue) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (!v.isNumber()) {
      throw invalid(key, v, "a number");
    }
    return v.asDouble();
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (!v.isBoolean()) {
      throw invalid(key, v, "true or false");
    }
    return v.asBoolean();
  }

  public String getString(String key, String defaultValue) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (!v.isTextual()) {
      throw invalid(key, v, "a string");
    }
    return v.asText();
  }

  /** A string value that must be one of {@code allowed}. */
  public String getChoice(String key, String defaultValue, Set<String> allowed) {
    String v = getString(key, defaultValue);
    if (v != null && !allowed.contains(v)) {
      throw unsupported(key, v, "supported: " + String.join(", ", allowed));
    }
    return v;
  }

  /** An int list; a single number is repeated {@code count} times (diffusers allows both). */
  public int[] getInts(String key, int[] defaultValue, int count) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (v.isIntegralNumber()) {
      int[] out = new int[count];
      java.util.Arrays.fill(out, v.asInt());
      return out;
    }
    if (!v.isArray()) {
      throw invalid(key, v, "a list of whole numbers");
    }
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isIntegralNumber()) {
        throw invalid(key, v, "a list of whole numbers");
      }
      out[i] = v.get(i).asInt();
    }
    return out;
  }

  public List<String> getStrings(String key, List<String> defaultValue) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (!v.isArray()) {
      throw invalid(key, v, "a list of strings");
    }
    List<String> out = new ArrayList<>();
    v.forEach(n -> out.add(n.asText()));
    return out;
  }

  public ModelException invalid(String key, JsonNode value, String expected) {
    return new ModelException(file + ": '" + key + "' must be " + expected + ", got " + value);
  }

  public ModelException unsupported(String key, Object value, String why) {
    return new ModelException(
        file + ": unsupported value " + value + " for '" + key + "' (" + why + ")");
  }
}
