package dev.easel.model.clip;

/**
 * "Sloppy" Windows-1252, as ftfy and browsers use it: the 27 printable characters at 0x80–0x9F, and
 * Latin-1 for every other byte (including the five bytes Windows-1252 leaves undefined).
 */
final class Cp1252 {
  private static final String HIGH_CONTROLS =
      "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D"
          + "\u017D\u008F\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161"
          + "\u203A\u0153\u009D\u017E\u0178";

  private Cp1252() {}

  /** The character that byte {@code b} (0–255) stands for. */
  static char decode(int b) {
    return b >= 0x80 && b <= 0x9F ? HIGH_CONTROLS.charAt(b - 0x80) : (char) b;
  }

  /** The byte (0–255) that stands for {@code c}, or -1 when {@code c} has none. */
  static int encode(char c) {
    if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) {
      return c;
    }
    return HIGH_CONTROLS.indexOf(c) < 0 ? -1 : HIGH_CONTROLS.indexOf(c) + 0x80;
  }
}
