package dev.easel.model.clip;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's text cleanup, {@code whitespace_clean(basic_clean(text))} of openai/CLIP: the usual ftfy
 * repairs, HTML unescaped twice, runs of whitespace collapsed to one space, ends stripped.
 *
 * <p>The ftfy part covers what changes tokens in practice: UTF-8 text that was decoded as
 * Windows-1252 or Latin-1 (mojibake such as {@code cafÃ©} or {@code itâ€™s}), curly quotes, Latin
 * ligatures, full-width forms, terminal escapes, control characters, lone surrogates and NFC
 * normalization. Mojibake is repaired line by line when a whole line re-decodes as valid UTF-8.
 */
public final class PromptCleanup {
  private static final Pattern WHITESPACE =
      Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern TERMINAL_ESCAPE = Pattern.compile("\u001B\\[[0-9;]*[a-zA-Z]");
  private static final int MAX_MOJIBAKE_LAYERS = 3;
  private static final Pattern MOJIBAKE_SEQUENCE = mojibakeSequence();

  private PromptCleanup() {}

  /** The cleaned text, not yet lowercased. */
  public static String clean(String text) {
    String fixed = fixText(text);
    fixed = HtmlUnescape.unescape(HtmlUnescape.unescape(fixed)).strip();
    return WHITESPACE.matcher(fixed).replaceAll(" ").strip();
  }

  /** The subset of {@code ftfy.fix_text} that CLIP prompts meet. */
  static String fixText(String text) {
    String s = TERMINAL_ESCAPE.matcher(text).replaceAll("");
    s = fixMojibake(s);
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else if (!isRemovedControl(c)) {
        appendFixed(out, c);
      }
    }
    return Normalizer.normalize(out, Normalizer.Form.NFC);
  }

  private static void appendFixed(StringBuilder out, char c) {
    switch (c) {
      case '\u02BC', '\u2018', '\u2019', '\u201A', '\u201B' -> out.append('\'');
      case '\u201C', '\u201D', '\u201E', '\u201F' -> out.append('"');
      case '\u0132' -> out.append("IJ");
      case '\u0133' -> out.append("ij");
      case '\uFB00' -> out.append("ff");
      case '\uFB01' -> out.append("fi");
      case '\uFB02' -> out.append("fl");
      case '\uFB03' -> out.append("ffi");
      case '\uFB04' -> out.append("ffl");
      case '\uFB05' -> out.append("\u017Ft");
      case '\uFB06' -> out.append("st");
      case '\u3000' -> out.append(' ');
      default -> {
        if (c >= '\uFF01' && c <= '\uFFEF') {
          out.append(Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC));
        } else {
          out.append(c);
        }
      }
    }
  }

  private static boolean isRemovedControl(char c) {
    return c <= 0x08
        || c == 0x0B
        || (c >= 0x0E && c <= 0x1F)
        || c == 0x7F
        || (c >= 0x206A && c <= 0x206F)
        || c == 0xFEFF
        || (c >= 0xFFF9 && c <= 0xFFFC);
  }

  /**
   * Undoes UTF-8 read as Windows-1252/Latin-1: a whole line when all of it re-decodes (up to three
   * layers deep), otherwise the unmistakable sequences inside it ({@code Ã©}, {@code Â°}, {@code
   * â€™}, ...).
   */
  static String fixMojibake(String text) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      for (int layer = 0; layer < MAX_MOJIBAKE_LAYERS; layer++) {
        String repaired = redecode(lines[i]);
        if (repaired == null) {
          break;
        }
        lines[i] = repaired;
      }
      lines[i] =
          MOJIBAKE_SEQUENCE
              .matcher(lines[i])
              .replaceAll(m -> Matcher.quoteReplacement(redecode(m.group())));
    }
    return String.join("\n", lines);
  }

  /**
   * {@code Â} or {@code Ã} (UTF-8 lead bytes C2, C3) followed by one continuation byte, or {@code
   * â} (E2) followed by two: always valid UTF-8, and never meant as such in real text.
   */
  private static Pattern mojibakeSequence() {
    StringBuilder continuation = new StringBuilder("[");
    for (int b = 0x80; b <= 0xBF; b++) {
      continuation.append(String.format("\\x{%X}", (int) Cp1252.decode(b)));
    }
    continuation.append(']');
    return Pattern.compile("[\u00C2\u00C3]" + continuation + "|\u00E2" + continuation + "{2}");
  }

  /** The line's Windows-1252 bytes read as UTF-8, or null when that is not a repair. */
  private static String redecode(String line) {
    byte[] bytes = new byte[line.length()];
    boolean nonAscii = false;
    for (int i = 0; i < line.length(); i++) {
      int b = Cp1252.encode(line.charAt(i));
      if (b < 0) {
        return null;
      }
      nonAscii |= b >= 0x80;
      bytes[i] = (byte) b;
    }
    if (!nonAscii) {
      return null;
    }
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer decoded = utf8.decode(ByteBuffer.wrap(bytes));
      return decoded.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
