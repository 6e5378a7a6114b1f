package dev.easel.model.clip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPT-2 style byte-level BPE as CLIP uses it: a piece's UTF-8 bytes become printable symbols
 * (GPT-2's bytes→unicode table), the last symbol carries {@code </w>}, and merges are applied by
 * rank. Results are cached per piece; the cache is thread-safe and bounded.
 */
final class ByteLevelBpe {
  static final String END_OF_WORD = "</w>";
  private static final int CACHE_LIMIT = 50_000;
  private static final char[] BYTE_TO_SYMBOL = bytesToUnicode();
  private static final Map<Character, Integer> SYMBOL_TO_BYTE = symbolToByte();

  private final Map<String, Integer> ranks;
  private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

  /** {@code merges} in rank order, each a pair of symbols. */
  ByteLevelBpe(List<String[]> merges) {
    Map<String, Integer> r = new HashMap<>(merges.size() * 2);
    for (int i = 0; i < merges.size(); i++) {
      r.putIfAbsent(pairKey(merges.get(i)[0], merges.get(i)[1]), i);
    }
    this.ranks = r;
  }

  /**
   * The 256 byte symbols in GPT-2's order: printable Latin-1 bytes map to themselves, the rest to
   * U+0100 onwards.
   */
  static char[] byteSymbolsInVocabularyOrder() {
    char[] order = new char[256];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      if (isPrintable(b)) {
        order[n++] = (char) b;
      }
    }
    for (int b = 0; b < 256; b++) {
      if (!isPrintable(b)) {
        order[n++] = BYTE_TO_SYMBOL[b];
      }
    }
    return order;
  }

  /** The byte-level symbols of a piece of text, as one string. */
  static String toSymbols(String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    StringBuilder s = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      s.append(BYTE_TO_SYMBOL[b & 0xFF]);
    }
    return s.toString();
  }

  /**
   * The bytes behind a BPE token ({@code </w>} removed), or null when it holds a character outside
   * the byte table (a special token).
   */
  static byte[] toBytes(String symbols) {
    String s =
        symbols.endsWith(END_OF_WORD)
            ? symbols.substring(0, symbols.length() - END_OF_WORD.length())
            : symbols;
    byte[] bytes = new byte[s.length()];
    for (int i = 0; i < s.length(); i++) {
      Integer b = SYMBOL_TO_BYTE.get(s.charAt(i));
      if (b == null) {
        return null;
      }
      bytes[i] = (byte) (int) b;
    }
    return bytes;
  }

  /** BPE tokens of one pre-tokenized piece (already in byte symbols). */
  List<String> encode(String symbols) {
    List<String> cached = cache.get(symbols);
    if (cached != null) {
      return cached;
    }
    List<String> result = List.copyOf(merge(symbols));
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(symbols, result);
    return result;
  }

  private List<String> merge(String symbols) {
    List<String> word = new ArrayList<>(symbols.length());
    for (int i = 0; i < symbols.length() - 1; i++) {
      word.add(String.valueOf(symbols.charAt(i)));
    }
    word.add(symbols.charAt(symbols.length() - 1) + END_OF_WORD);
    while (word.size() > 1) {
      int bestRank = Integer.MAX_VALUE;
      String first = null;
      String second = null;
      for (int i = 0; i + 1 < word.size(); i++) {
        Integer rank = ranks.get(pairKey(word.get(i), word.get(i + 1)));
        if (rank != null && rank < bestRank) {
          bestRank = rank;
          first = word.get(i);
          second = word.get(i + 1);
        }
      }
      if (first == null) {
        break;
      }
      List<String> merged = new ArrayList<>(word.size());
      for (int i = 0; i < word.size(); i++) {
        if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
          merged.add(first + second);
          i++;
        } else {
          merged.add(word.get(i));
        }
      }
      word = merged;
    }
    return word;
  }

  private static String pairKey(String first, String second) {
    return first + ' ' + second;
  }

  private static boolean isPrintable(int b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
  }

  private static char[] bytesToUnicode() {
    char[] table = new char[256];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      table[b] = isPrintable(b) ? (char) b : (char) (256 + n++);
    }
    return table;
  }

  private static Map<Character, Integer> symbolToByte() {
    Map<Character, Integer> map = new HashMap<>(512);
    for (int b = 0; b < 256; b++) {
      map.put(BYTE_TO_SYMBOL[b], b);
    }
    return Map.copyOf(map);
  }
}
