package dev.easel.model.clip;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code html.unescape}: HTML5 named and numeric character references, including names
 * without the closing semicolon and the longest-prefix rule.
 */
final class HtmlUnescape {
  private static final Pattern CHARREF =
      Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
  private static final BigInteger MAX_CODE_POINT = BigInteger.valueOf(Character.MAX_CODE_POINT);
  private static final Map<String, String> ENTITIES = loadEntities();

  private HtmlUnescape() {}

  static String unescape(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    Matcher m = CHARREF.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(replace(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String replace(String ref) {
    if (ref.charAt(0) == '#') {
      boolean hex = ref.charAt(1) == 'x' || ref.charAt(1) == 'X';
      String digits = ref.substring(hex ? 2 : 1);
      if (digits.endsWith(";")) {
        digits = digits.substring(0, digits.length() - 1);
      }
      BigInteger value = new BigInteger(digits, hex ? 16 : 10);
      return value.compareTo(MAX_CODE_POINT) > 0 ? "\uFFFD" : numeric(value.intValue());
    }
    String named = ENTITIES.get(ref);
    if (named != null) {
      return named;
    }
    for (int length = ref.length() - 1; length > 1; length--) {
      String prefix = ENTITIES.get(ref.substring(0, length));
      if (prefix != null) {
        return prefix + ref.substring(length);
      }
    }
    return "&" + ref;
  }

  private static String numeric(int cp) {
    if (cp == 0) {
      return "\uFFFD";
    }
    if (cp == 0x0D) {
      return "\r";
    }
    if (cp >= 0x80 && cp <= 0x9F) {
      return String.valueOf(Cp1252.decode(cp));
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      return "\uFFFD";
    }
    if (isInvalidCodePoint(cp)) {
      return "";
    }
    return Character.toString(cp);
  }

  private static boolean isInvalidCodePoint(int cp) {
    return (cp >= 0x1 && cp <= 0x8)
        || cp == 0xB
        || (cp >= 0xE && cp <= 0x1F)
        || cp == 0x7F
        || (cp >= 0xFDD0 && cp <= 0xFDEF)
        || (cp & 0xFFFE) == 0xFFFE;
  }

  private static Map<String, String> loadEntities() {
    Map<String, String> entities = new HashMap<>(4096);
    try (InputStream in = HtmlUnescape.class.getResourceAsStream("html5-entities.tsv")) {
      if (in == null) {
        throw new IllegalStateException("html5-entities.tsv is missing from the class path");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        StringBuilder value = new StringBuilder();
        for (String hex : line.substring(tab + 1).split(" ")) {
          value.appendCodePoint(Integer.parseInt(hex, 16));
        }
        entities.put(line.substring(0, tab), value.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(entities);
  }
}
