package dev.easel.config;

import java.util.List;

/**
 * One configuration key: its name in the file (dotted), its environment variable, its default and,
 * for enumerations, the values it allows; for whole numbers, the range.
 */
public record Setting(
    String key,
    Type type,
    String defaultValue,
    List<String> allowed,
    int min,
    int max,
    String help) {

  /** The kinds of value a setting holds. */
  public enum Type {
    STRING,
    INT,
    DOUBLE,
    BOOLEAN,
    ENUM,
    PATH,
    LIST
  }

  /** {@code server.port} becomes {@code EASEL_SERVER_PORT}. */
  public String environmentVariable() {
    return "EASEL_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  static Setting of(String key, Type type, String defaultValue, String help) {
    return new Setting(
        key, type, defaultValue, List.of(), Integer.MIN_VALUE, Integer.MAX_VALUE, help);
  }

  static Setting between(String key, int defaultValue, int min, int max, String help) {
    return new Setting(key, Type.INT, Integer.toString(defaultValue), List.of(), min, max, help);
  }

  static Setting atLeast(String key, int defaultValue, int min, String help) {
    return between(key, defaultValue, min, Integer.MAX_VALUE, help);
  }

  /** The whole numbers allowed, in words: "from 0 to 19", "1 or more". */
  public String range() {
    return max == Integer.MAX_VALUE ? min + " or more" : "from " + min + " to " + max;
  }

  static Setting oneOf(String key, String defaultValue, List<String> allowed, String help) {
    return new Setting(
        key,
        Type.ENUM,
        defaultValue,
        List.copyOf(allowed),
        Integer.MIN_VALUE,
        Integer.MAX_VALUE,
        help);
  }
}
