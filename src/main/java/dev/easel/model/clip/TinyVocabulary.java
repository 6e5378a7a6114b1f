package dev.easel.model.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small, valid CLIP vocabulary for tiny test models, laid out like a diffusers {@code tokenizer/}
 * folder so that {@link CLIPTokenizer#load} reads it like a real one and any prompt tokenizes.
 *
 * <p>It is built as CLIP's own vocabulary is: the 256 byte symbols (ids 0–255, in GPT-2's order, so
 * {@code !} is 0), the same with {@code </w>} (256–511), one token per merge (512–911), then {@code
 * <|startoftext|>} (912) and {@code <|endoftext|>} (913): {@value #VOCAB_SIZE} tokens. The {@value
 * #MERGES} merges are learned by byte-pair encoding from a built-in list of common English words,
 * deterministically.
 */
public final class TinyVocabulary {
  public static final int MERGES = 400;
  public static final int VOCAB_SIZE = 512 + MERGES + 2;
  public static final int START_ID = VOCAB_SIZE - 2;
  public static final int END_ID = VOCAB_SIZE - 1;

  private static final String WORDS =
      """
      a an the of and in on at to with for from by under over near behind beside into through
      is are was were be been being has have had it its this that these those there here what
      photo photograph picture image portrait painting drawing illustration render sketch art
      cat cats dog dogs horse bird birds fish lion tiger bear wolf fox rabbit cow sheep owl
      man woman men women person people child children girl boy baby family friend face eyes
      hair hand hands smile smiling standing sitting walking running flying swimming reading
      tree trees forest flower flowers garden grass field mountain mountains river lake sea
      ocean beach sand rock stone sky cloud clouds sun sunset sunrise moon star stars night day
      morning evening light shadow rain snow winter summer spring autumn water fire wind storm
      city street road house building tower bridge castle church window door room kitchen table
      chair bed car train boat ship plane bicycle book books lamp clock cup coffee tea bread
      red green blue yellow orange purple pink black white gray brown golden silver colorful
      dark bright beautiful pretty old young new small large big little tall long short happy
      detailed highly realistic photorealistic cinematic dramatic soft warm cold quality best
      high resolution sharp focus lighting studio style digital oil watercolor canvas masterpiece
      trending fantasy science fiction futuristic ancient medieval modern vintage retro abstract
      astronaut robot dragon wizard knight king queen princess castle space planet galaxy earth
      riding holding wearing looking playing eating drinking sleeping dancing singing painted
      very much more most many some every other another one two three four five ten hundred
      """;

  private TinyVocabulary() {}

  /**
   * Writes the vocabulary into {@code tokenizerDir} with SD 1.x padding ({@code <|endoftext|>}).
   */
  public static void write(Path tokenizerDir) throws IOException {
    write(tokenizerDir, CLIPTokenizer.END_OF_TEXT);
  }

  /**
   * Writes {@code vocab.json}, {@code merges.txt}, {@code tokenizer_config.json} and {@code
   * special_tokens_map.json} into {@code tokenizerDir} (created if needed). {@code padToken} is
   * {@code <|endoftext|>} for SD 1.x-style encoders or {@code !} (id 0) for OpenCLIP-style ones.
   */
  public static void write(Path tokenizerDir, String padToken) throws IOException {
    List<String> merges = LearnedMerges.MERGES;
    Map<String, Integer> vocab = new LinkedHashMap<>();
    char[] bytes = ByteLevelBpe.byteSymbolsInVocabularyOrder();
    for (char c : bytes) {
      vocab.put(String.valueOf(c), vocab.size());
    }
    for (char c : bytes) {
      vocab.put(c + ByteLevelBpe.END_OF_WORD, vocab.size());
    }
    for (String merge : merges) {
      vocab.put(merge.replace(" ", ""), vocab.size());
    }
    vocab.put(CLIPTokenizer.START_OF_TEXT, vocab.size());
    vocab.put(CLIPTokenizer.END_OF_TEXT, vocab.size());
    if (!vocab.containsKey(padToken)) {
      throw new IllegalArgumentException("pad token '" + padToken + "' is not in the vocabulary");
    }

    ObjectMapper json = new ObjectMapper();
    ObjectNode special = json.createObjectNode();
    special.put("bos_token", CLIPTokenizer.START_OF_TEXT);
    special.put("eos_token", CLIPTokenizer.END_OF_TEXT);
    special.put("pad_token", padToken);
    special.put("unk_token", CLIPTokenizer.END_OF_TEXT);
    ObjectNode config = special.deepCopy();
    config.put("model_max_length", 77);
    config.put("do_lower_case", true);
    config.put("tokenizer_class", "CLIPTokenizer");

    Files.createDirectories(tokenizerDir);
    json.writeValue(tokenizerDir.resolve("vocab.json").toFile(), vocab);
    Files.writeString(
        tokenizerDir.resolve("merges.txt"),
        "#version: 0.2\n" + String.join("\n", merges) + "\n",
        StandardCharsets.UTF_8);
    json.writerWithDefaultPrettyPrinter()
        .writeValue(tokenizerDir.resolve("tokenizer_config.json").toFile(), config);
    json.writerWithDefaultPrettyPrinter()
        .writeValue(tokenizerDir.resolve("special_tokens_map.json").toFile(), special);
  }

  /** Learned once, on first use. */
  private static final class LearnedMerges {
    static final List<String> MERGES = List.copyOf(learnMerges());
  }

  /**
   * Byte-pair encoding training on {@link #WORDS}, the n-th word counted as if it occurred 1000/n
   * times (Zipf's law): repeatedly merge the most frequent adjacent pair (ties broken
   * alphabetically), skipping pairs whose result is already a token.
   */
  static List<String> learnMerges() {
    List<List<String>> words = new ArrayList<>();
    List<Integer> frequencies = new ArrayList<>();
    for (String word : WORDS.strip().split("\\s+")) {
      frequencies.add(1000 / (frequencies.size() + 1) + 1);
      List<String> symbols = new ArrayList<>();
      for (int i = 0; i < word.length(); i++) {
        symbols.add(
            word.substring(i, i + 1) + (i == word.length() - 1 ? ByteLevelBpe.END_OF_WORD : ""));
      }
      words.add(symbols);
    }
    List<String> merges = new ArrayList<>(MERGES);
    Set<String> made = new HashSet<>();
    while (merges.size() < MERGES) {
      Map<Pair, Integer> counts = new HashMap<>();
      for (int w = 0; w < words.size(); w++) {
        List<String> symbols = words.get(w);
        for (int i = 0; i + 1 < symbols.size(); i++) {
          counts.merge(
              new Pair(symbols.get(i), symbols.get(i + 1)), frequencies.get(w), Integer::sum);
        }
      }
      Pair best = null;
      int bestCount = 0;
      for (Map.Entry<Pair, Integer> e : counts.entrySet()) {
        Pair pair = e.getKey();
        int count = e.getValue();
        if ((count > bestCount || (count == bestCount && pair.compareTo(best) < 0))
            && !made.contains(pair.merged())) {
          best = pair;
          bestCount = count;
        }
      }
      if (best == null) {
        throw new IllegalStateException("the word list gives only " + merges.size() + " merges");
      }
      made.add(best.merged());
      merges.add(best.first() + " " + best.second());
      for (List<String> symbols : words) {
        for (int i = 0; i + 1 < symbols.size(); i++) {
          if (symbols.get(i).equals(best.first()) && symbols.get(i + 1).equals(best.second())) {
            symbols.set(i, best.merged());
            symbols.remove(i + 1);
          }
        }
      }
    }
    return merges;
  }

  private record Pair(String first, String second) implements Comparable<Pair> {
    String merged() {
      return first + second;
    }

    @Override
    public int compareTo(Pair other) {
      int c = first.compareTo(other.first);
      return c != 0 ? c : second.compareTo(other.second);
    }
  }
}
