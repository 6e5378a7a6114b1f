package dev.easel.config;

import java.util.List;

/**
 * One configuration key: its name in the file (dotted), its environment variable, its default and,
 * for enumerations, the values it allows.
 */
public record Setting(
    String key, Type type, String defaultValue, List<String> allowed, String help) {

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
    return new Setting(key, type, defaultValue, List.of(), help);
  }

  static Setting oneOf(String key, String defaultValue, List<String> allowed, String help) {
    return new Setting(key, Type.ENUM, defaultValue, List.copyOf(allowed), help);
  }
}
