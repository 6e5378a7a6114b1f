package dev.easel.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Easel's configuration, merged from (highest first) command-line flags, {@code EASEL_*}
 * environment variables, the YAML file, and each setting's default. Every value is validated when
 * it is read in, so a bad one fails at start-up with a message naming its key and source.
 */
public final class Config {
  private final Map<String, String> values;
  private final Map<String, String> sources;

  private Config(Map<String, String> values, Map<String, String> sources) {
    this.values = values;
    this.sources = sources;
  }

  /** The defaults only. */
  public static Config defaults() {
    return load(null, Map.of(), Map.of());
  }

  /**
   * Merges the sources.
   *
   * @param file YAML file, or null for none
   * @param environment environment variables (only {@code EASEL_*} ones are read)
   * @param flags values given on the command line, by key
   */
  public static Config load(Path file, Map<String, String> environment, Map<String, String> flags) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    for (Setting s : Settings.all()) {
      values.put(s.key(), s.defaultValue());
      sources.put(s.key(), "default");
    }
    if (file != null) {
      readFile(file).forEach((k, v) -> put(values, sources, k, v, "config file " + file));
    }
    for (Setting s : Settings.all()) {
      String v = environment.get(s.environmentVariable());
      if (v != null) {
        put(values, sources, s.key(), v, "environment variable " + s.environmentVariable());
      }
    }
    flags.forEach((k, v) -> put(values, sources, k, v, "command line"));
    return new Config(values, sources);
  }

  private static void put(
      Map<String, String> values, Map<String, String> sources, String key, String v, String from) {
    Setting s =
        Settings.find(key)
            .orElseThrow(
                () -> new ConfigException("unknown configuration key '" + key + "' in " + from));
    validate(s, v, from);
    values.put(key, v);
    sources.put(key, from);
  }

  private static void validate(Setting s, String v, String from) {
    String where = "'" + s.key() + "' (from " + from + ")";
    switch (s.type()) {
      case INT -> {
        int n;
        try {
          n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
          throw new ConfigException(where + " must be a whole number, got '" + v + "'");
        }
        if (n < s.min() || n > s.max()) {
          throw new ConfigException(where + " must be " + s.range() + ", got '" + v + "'");
        }
      }
      case DOUBLE -> {
        try {
          Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
          throw new ConfigException(where + " must be a number, got '" + v + "'");
        }
      }
      case BOOLEAN -> {
        if (!List.of("true", "false").contains(v.trim().toLowerCase(Locale.ROOT))) {
          throw new ConfigException(where + " must be true or false, got '" + v + "'");
        }
      }
      case ENUM -> {
        if (!s.allowed().contains(v.trim())) {
          throw new ConfigException(
              where + " must be one of " + String.join(", ", s.allowed()) + "; got '" + v + "'");
        }
      }
      case STRING, PATH, LIST -> {}
    }
  }

  private static Map<String, String> readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("configuration file " + file + " does not exist");
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "configuration file " + file + " is not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (root != null && !root.isMissingNode() && !root.isNull()) {
      if (!root.isObject()) {
        throw new ConfigException("configuration file " + file + " must hold a mapping of keys");
      }
      flatten("", root, flat);
    }
    return flat;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(n -> items.add(n.asText()));
      out.put(prefix, String.join(",", items));
    } else {
      out.put(prefix, node.asText());
    }
  }

  public String get(Setting s) {
    return values.get(s.key()).trim();
  }

  public int getInt(Setting s) {
    return Integer.parseInt(get(s));
  }

  public double getDouble(Setting s) {
    return Double.parseDouble(get(s));
  }

  public boolean getBoolean(Setting s) {
    return Boolean.parseBoolean(get(s).toLowerCase(Locale.ROOT));
  }

  /** Comma-separated list values, empty items dropped. */
  public List<String> getList(Setting s) {
    List<String> out = new ArrayList<>();
    for (String item : get(s).split(",")) {
      if (!item.isBlank()) {
        out.add(item.trim());
      }
    }
    return out;
  }

  /** Where the value of a key came from, for logs and errors. */
  public String source(Setting s) {
    return sources.get(s.key());
  }
}
