package dev.easel.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.testing.SharedAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the real CLIP vocabulary (the one every Stable Diffusion encoder uses). */
class CLIPTokenizerTest {
  private static Path clipDir;
  private static CLIPTokenizer clip;

  @BeforeAll
  static void load() {
    clipDir = SharedAssets.require("clip/vocab.json").getParent();
    clip = CLIPTokenizer.load(clipDir);
  }

  @Test
  void readsSpecialTokensAndContextLength() {
    assertThat(clip.vocabSize()).isEqualTo(49408);
    assertThat(clip.startId()).isEqualTo(49406);
    assertThat(clip.endId()).isEqualTo(49407);
    assertThat(clip.padId()).isEqualTo(49407);
    assertThat(clip.maxLength()).isEqualTo(77);
  }

  @Test
  void numbersSplitIntoSingleDigits() {
    assertThat(clip.tokenize("1999").pieces()).containsExactly("1</w>", "9</w>", "9</w>", "9</w>");
    assertThat(clip.encode("2024")).containsExactly(clip.encode("2 0 2 4"));
  }

  @Test
  void contractionsAreTheirOwnTokens() {
    assertThat(clip.tokenize("we're here, don't you'll").pieces())
        .containsExactly(
            "we</w>", "'re</w>", "here</w>", ",</w>", "don</w>", "'t</w>", "you</w>", "'ll</w>");
  }

  @Test
  void caseAndSurroundingWhitespaceDoNotMatter() {
    assertThat(clip.encode("  A   Red\tFOX \n")).containsExactly(clip.encode("a red fox"));
  }

  @Test
  void accentedLettersAndEmojiBecomeByteLevelTokens() {
    TokenizedPrompt cafe = clip.tokenize("café");
    assertThat(String.join("", cafe.pieces())).isEqualTo("café</w>");
    assertThat(clip.tokenize("🐶").pieces()).containsExactly("🐶</w>");
    TokenizedPrompt melting = clip.tokenize("\uD83E\uDEE0");
    assertThat(melting.ids()).containsExactly(558, 104, 510);
    assertThat(melting.pieces()).containsExactly("\\xf0\\x9f", "\\xab", "\\xa0</w>");
  }

  @Test
  void curlyApostropheTokenizesLikeAStraightOne() {
    assertThat(clip.encode("it\u2019s")).containsExactly(clip.encode("it's"));
    assertThat(clip.encode("it\u00e2\u20ac\u2122s")).containsExactly(clip.encode("it's"));
  }

  @Test
  void specialTokenTextMapsToItsId() {
    assertThat(clip.encode("a <|endoftext|> b")).containsExactly(320, 49407, 321);
  }

  @Test
  void promptThatFitsGivesOnePaddedRow() {
    TokenizedPrompt p = clip.tokenize("a photo of a cat");
    assertThat(p.chunked()).isFalse();
    assertThat(p.chunks()).hasDimensions(1, 77);
    assertThat(Arrays.copyOf(p.chunks()[0], 8))
        .containsExactly(49406, 320, 1125, 539, 320, 2368, 49407, 49407);
    assertThat(Arrays.stream(p.chunks()[0], 6, 77)).allMatch(id -> id == 49407);
  }

  @Test
  void emptyPromptGivesStartEndAndPadding() {
    TokenizedPrompt p = clip.tokenize("");
    assertThat(p.tokenCount()).isZero();
    assertThat(p.chunks()).hasDimensions(1, 77);
    assertThat(p.chunks()[0][0]).isEqualTo(49406);
    assertThat(Arrays.stream(p.chunks()[0], 1, 77)).allMatch(id -> id == 49407);
  }

  @Test
  void exactly75TokensStillFitInOneRow() {
    TokenizedPrompt p = clip.tokenize("cat ".repeat(75));
    assertThat(p.tokenCount()).isEqualTo(75);
    assertThat(p.chunked()).isFalse();
    assertThat(p.chunks()[0][76]).isEqualTo(49407);
    assertThat(clip.tokenize("cat ".repeat(76)).chunks()).hasNumberOfRows(2);
  }

  @Test
  void longPromptIsChunkedNeverCut() {
    TokenizedPrompt p = clip.tokenize("red green ".repeat(100));
    assertThat(p.tokenCount()).isEqualTo(200);
    assertThat(p.chunked()).isTrue();
    assertThat(p.chunks()).hasDimensions(3, 77);
    for (int[] row : p.chunks()) {
      assertThat(row[0]).isEqualTo(49406);
      assertThat(row).contains(49407);
    }
    int[] rejoined =
        Arrays.stream(p.chunks())
            .flatMapToInt(row -> Arrays.stream(row, 1, 76))
            .limit(200)
            .toArray();
    assertThat(rejoined).containsExactly(p.ids());
    assertThat(p.chunks()[2][51]).isEqualTo(49407);
    assertThat(Arrays.stream(p.chunks()[2], 52, 77)).allMatch(id -> id == 49407);
  }

  @Test
  void openClipTokenizerPadsWithExclamationMark(@TempDir Path dir) throws Exception {
    Files.copy(clipDir.resolve("vocab.json"), dir.resolve("vocab.json"));
    Files.copy(clipDir.resolve("merges.txt"), dir.resolve("merges.txt"));
    Files.writeString(
        dir.resolve("tokenizer_config.json"),
        """
        {"model_max_length": 77, "pad_token": "!",
         "bos_token": {"content": "<|startoftext|>", "lstrip": false},
         "eos_token": {"content": "<|endoftext|>", "lstrip": false}}
        """);
    CLIPTokenizer openClip = CLIPTokenizer.load(dir);
    assertThat(openClip.padId()).isZero();
    int[] row = openClip.tokenize("a cat").chunks()[0];
    assertThat(Arrays.copyOf(row, 5)).containsExactly(49406, 320, 2368, 49407, 0);
    assertThat(Arrays.stream(row, 4, 77)).allMatch(id -> id == 0);
  }

  @Test
  void specialTokensMapOverridesTokenizerConfig(@TempDir Path dir) throws Exception {
    TinyVocabulary.write(dir);
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"pad_token\": \"<|endoftext|>\"}");
    Files.writeString(
        dir.resolve("special_tokens_map.json"), "{\"pad_token\": {\"content\": \"!\"}}");
    assertThat(CLIPTokenizer.load(dir).padId()).isZero();
  }

  @Test
  void missingOrMalformedFilesAreNamed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> CLIPTokenizer.load(dir.resolve("absent")))
        .isInstanceOf(TokenizerLoadException.class)
        .hasMessageContaining("not found");
    assertThatThrownBy(() -> CLIPTokenizer.load(dir))
        .isInstanceOf(TokenizerLoadException.class)
        .hasMessageContaining("vocab.json is missing");
    Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0,");
    Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
    assertThatThrownBy(() -> CLIPTokenizer.load(dir))
        .isInstanceOf(TokenizerLoadException.class)
        .hasMessageContaining("vocab.json");
    Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0}");
    Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b c\n");
    assertThatThrownBy(() -> CLIPTokenizer.load(dir))
        .isInstanceOf(TokenizerLoadException.class)
        .hasMessageContaining("merges.txt line 2");
  }
}
