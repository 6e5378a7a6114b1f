package dev.easel.model.clip;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLIP tokenizer of every Stable Diffusion text encoder, matching openai/CLIP's {@code
 * SimpleTokenizer} and transformers' {@code CLIPTokenizer}: {@link PromptCleanup cleanup},
 * lowercase, CLIP's split pattern (special tokens, contractions, runs of letters, single digits,
 * runs of other symbols), then {@link ByteLevelBpe byte-level BPE}.
 *
 * <p>Loaded from a diffusers {@code tokenizer/} folder: {@code vocab.json}, {@code merges.txt}, and
 * when present {@code tokenizer_config.json} and {@code special_tokens_map.json}, which name the
 * special tokens (SD 1.x pads with {@code <|endoftext|>}, OpenCLIP-based encoders with {@code !})
 * and the context length (77). Instances are immutable and thread-safe.
 */
public final class CLIPTokenizer {
  public static final String START_OF_TEXT = "<|startoftext|>";
  public static final String END_OF_TEXT = "<|endoftext|>";
  private static final int DEFAULT_MAX_LENGTH = 77;
  private static final int NO_LIMIT = 1_000_000;
  private static final Pattern SPLIT =
      Pattern.compile(
          "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d"
              + "|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+",
          Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Integer> vocab;
  private final ByteLevelBpe bpe;
  private final String startToken;
  private final String endToken;
  private final String padToken;
  private final int unkId;
  private final int maxLength;

  private CLIPTokenizer(
      Map<String, Integer> vocab,
      List<String[]> merges,
      SpecialTokens special,
      int maxLength,
      Path dir) {
    this.vocab = Map.copyOf(vocab);
    this.bpe = new ByteLevelBpe(merges);
    this.startToken = special.bos;
    this.endToken = special.eos;
    this.padToken = special.pad;
    for (String token : List.of(special.bos, special.eos, special.pad, special.unk)) {
      if (!vocab.containsKey(token)) {
        throw new TokenizerLoadException(
            "special token '" + token + "' is not in " + dir.resolve("vocab.json"));
      }
    }
    this.unkId = vocab.get(special.unk);
    this.maxLength = maxLength;
  }

  /**
   * Loads the tokenizer in {@code dir} (a diffusers {@code tokenizer/} folder).
   *
   * @throws TokenizerLoadException when a file is missing or malformed, with a message naming it
   */
  public static CLIPTokenizer load(Path dir) {
    Path vocabFile = dir.resolve("vocab.json");
    Path mergesFile = dir.resolve("merges.txt");
    if (!Files.isDirectory(dir)) {
      throw new TokenizerLoadException("tokenizer folder not found: " + dir);
    }
    for (Path required : List.of(vocabFile, mergesFile)) {
      if (!Files.isRegularFile(required)) {
        throw new TokenizerLoadException(
            dir + " is not a CLIP tokenizer folder: " + required.getFileName() + " is missing");
      }
    }
    Map<String, Integer> vocab = readVocab(vocabFile);
    List<String[]> merges = readMerges(mergesFile);
    JsonNode config = readOptionalJson(dir.resolve("tokenizer_config.json"));
    JsonNode specialMap = readOptionalJson(dir.resolve("special_tokens_map.json"));
    SpecialTokens special =
        new SpecialTokens(
            specialToken("bos_token", START_OF_TEXT, specialMap, config),
            specialToken("eos_token", END_OF_TEXT, specialMap, config),
            specialToken("pad_token", END_OF_TEXT, specialMap, config),
            specialToken("unk_token", END_OF_TEXT, specialMap, config));
    return new CLIPTokenizer(vocab, merges, special, maxLength(config, dir), dir);
  }

  /** The BPE tokens of {@code text} (without start and end), in the byte-symbol alphabet. */
  public List<String> bpeTokens(String text) {
    String clean = PromptCleanup.clean(text).toLowerCase(Locale.ROOT);
    List<String> tokens = new ArrayList<>();
    Matcher m = SPLIT.matcher(clean);
    while (m.find()) {
      String piece = m.group();
      if (piece.equals(START_OF_TEXT) || piece.equals(END_OF_TEXT)) {
        tokens.add(piece);
      } else {
        tokens.addAll(bpe.encode(ByteLevelBpe.toSymbols(piece)));
      }
    }
    return tokens;
  }

  /** The token ids of {@code text}, without start and end; never truncated. */
  public int[] encode(String text) {
    return ids(bpeTokens(text));
  }

  /** Ids, readable pieces and the padded rows of {@code prompt}. */
  public TokenizedPrompt tokenize(String prompt) {
    List<String> tokens = bpeTokens(prompt);
    List<String> pieces = tokens.stream().map(CLIPTokenizer::readable).toList();
    int[] ids = ids(tokens);
    return new TokenizedPrompt(ids, pieces, chunks(ids));
  }

  /**
   * Rows of {@link #maxLength()} ids: start, up to {@code maxLength - 2} ids, end, padding. At
   * least one row.
   */
  public int[][] chunks(int[] ids) {
    int perChunk = maxLength - 2;
    int count = Math.max(1, (ids.length + perChunk - 1) / perChunk);
    int[][] rows = new int[count][maxLength];
    for (int c = 0; c < count; c++) {
      int from = c * perChunk;
      int length = Math.min(perChunk, ids.length - from);
      int[] row = rows[c];
      Arrays.fill(row, padId());
      row[0] = startId();
      System.arraycopy(ids, from, row, 1, length);
      row[length + 1] = endId();
    }
    return rows;
  }

  /**
   * A BPE token as a person reads it: its bytes decoded as UTF-8 ({@code \xNN} for bytes of a
   * character split across tokens), {@code </w>} kept to mark the end of a word.
   */
  public static String readable(String bpeToken) {
    byte[] bytes = ByteLevelBpe.toBytes(bpeToken);
    if (bytes == null) {
      return bpeToken;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < bytes.length) {
      int length = utf8Length(bytes[i]);
      String decoded =
          length > 0 && i + length <= bytes.length ? decodeStrict(bytes, i, length) : null;
      if (decoded != null) {
        out.append(decoded);
        i += length;
      } else {
        out.append(String.format(Locale.ROOT, "\\x%02x", bytes[i] & 0xFF));
        i++;
      }
    }
    if (bpeToken.endsWith(ByteLevelBpe.END_OF_WORD)) {
      out.append(ByteLevelBpe.END_OF_WORD);
    }
    return out.toString();
  }

  public int startId() {
    return vocab.get(startToken);
  }

  public int endId() {
    return vocab.get(endToken);
  }

  public int padId() {
    return vocab.get(padToken);
  }

  public String startToken() {
    return startToken;
  }

  public String endToken() {
    return endToken;
  }

  public String padToken() {
    return padToken;
  }

  /** The context length, start and end included (77 for every Stable Diffusion encoder). */
  public int maxLength() {
    return maxLength;
  }

  public int vocabSize() {
    return vocab.size();
  }

  private int[] ids(List<String> tokens) {
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocab.getOrDefault(tokens.get(i), unkId);
    }
    return ids;
  }

  private static int utf8Length(byte lead) {
    int b = lead & 0xFF;
    if (b < 0x80) {
      return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
      return 2;
    }
    if (b >= 0xE0 && b <= 0xEF) {
      return 3;
    }
    return b >= 0xF0 && b <= 0xF4 ? 4 : 0;
  }

  private static String decodeStrict(byte[] bytes, int offset, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static Map<String, Integer> readVocab(Path file) {
    try {
      Map<String, Integer> vocab = JSON.readValue(file.toFile(), new TypeReference<>() {});
      if (vocab == null || vocab.isEmpty()) {
        throw new TokenizerLoadException(file + " holds no vocabulary");
      }
      if (vocab.containsValue(null)) {
        throw new TokenizerLoadException(file + " maps a token to null instead of an id");
      }
      return vocab;
    } catch (JacksonException e) {
      throw new TokenizerLoadException(
          file + " is not a JSON object of token ids: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new TokenizerLoadException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<String[]> readMerges(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TokenizerLoadException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<String[]> merges = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
        continue;
      }
      String[] pair = line.split(" ");
      if (pair.length != 2) {
        throw new TokenizerLoadException(
            file + " line " + (i + 1) + ": expected two symbols separated by a space");
      }
      merges.add(pair);
    }
    return merges;
  }

  private static JsonNode readOptionalJson(Path file) {
    if (!Files.isRegularFile(file)) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(file.toFile());
      if (node == null || !node.isObject()) {
        throw new TokenizerLoadException(file + " is not a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw new TokenizerLoadException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new TokenizerLoadException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** transformers' precedence: special_tokens_map.json, then tokenizer_config.json. */
  private static String specialToken(String key, String fallback, JsonNode... sources) {
    for (JsonNode source : sources) {
      JsonNode value = source.path(key);
      if (value.isTextual()) {
        return value.asText();
      }
      if (value.path("content").isTextual()) {
        return value.path("content").asText();
      }
    }
    return fallback;
  }

  private static int maxLength(JsonNode config, Path dir) {
    JsonNode value = config.path("model_max_length");
    if (value.isMissingNode()
        || value.isNull()
        || (value.isNumber() && value.asDouble() >= NO_LIMIT)) {
      return DEFAULT_MAX_LENGTH;
    }
    if (!value.canConvertToInt() || value.asInt() < 3) {
      throw new TokenizerLoadException(
          "model_max_length in "
              + dir.resolve("tokenizer_config.json")
              + " must be an integer >= 3, got "
              + value);
    }
    return value.asInt();
  }

  private record SpecialTokens(String bos, String eos, String pad, String unk) {}
}
