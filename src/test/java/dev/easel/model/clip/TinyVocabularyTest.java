package dev.easel.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyVocabularyTest {
  private static final String ANY_TEXT =
      "A café in Zürich 🐶🫠, naïve señora — 3.14 × 2024! まあ、お待ちなさい。 \"it's\" <tag>";

  @Test
  void writesAFolderTheTokenizerLoads(@TempDir Path dir) throws Exception {
    TinyVocabulary.write(dir);
    CLIPTokenizer tokenizer = CLIPTokenizer.load(dir);
    assertThat(tokenizer.vocabSize()).isEqualTo(TinyVocabulary.VOCAB_SIZE).isEqualTo(914);
    assertThat(tokenizer.startId()).isEqualTo(TinyVocabulary.START_ID);
    assertThat(tokenizer.endId()).isEqualTo(TinyVocabulary.END_ID);
    assertThat(tokenizer.padId()).isEqualTo(TinyVocabulary.END_ID);
    assertThat(tokenizer.maxLength()).isEqualTo(77);
  }

  @Test
  void openClipStylePaddingIsExclamationMarkWithIdZero(@TempDir Path dir) throws Exception {
    TinyVocabulary.write(dir, "!");
    CLIPTokenizer tokenizer = CLIPTokenizer.load(dir);
    assertThat(tokenizer.padId()).isZero();
    assertThat(tokenizer.tokenize("cat").chunks()[0][76]).isZero();
  }

  @Test
  void tokenizesAnyTextLosslessly(@TempDir Path dir) throws Exception {
    TinyVocabulary.write(dir);
    CLIPTokenizer tokenizer = CLIPTokenizer.load(dir);
    List<String> tokens = tokenizer.bpeTokens(ANY_TEXT);
    int[] ids = tokenizer.encode(ANY_TEXT);
    assertThat(Arrays.stream(ids)).hasSize(tokens.size()).allMatch(id -> id >= 0 && id < 912);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (String token : tokens) {
      bytes.writeBytes(ByteLevelBpe.toBytes(token));
    }
    String expected = PromptCleanup.clean(ANY_TEXT).toLowerCase(Locale.ROOT).replace(" ", "");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
  }

  @Test
  void commonWordsAreSingleTokens(@TempDir Path dir) throws Exception {
    TinyVocabulary.write(dir);
    CLIPTokenizer tokenizer = CLIPTokenizer.load(dir);
    assertThat(tokenizer.tokenize("the photo of a cat").pieces())
        .containsExactly("the</w>", "photo</w>", "of</w>", "a</w>", "cat</w>");
    String rarer = "an astronaut riding a horse";
    assertThat(tokenizer.tokenize(rarer).tokenCount()).isLessThan(rarer.replace(" ", "").length());
  }

  @Test
  void mergesAreDeterministicAndProduceNewTokens() {
    List<String> merges = TinyVocabulary.learnMerges();
    assertThat(merges).hasSize(TinyVocabulary.MERGES).isEqualTo(TinyVocabulary.learnMerges());
    assertThat(merges.stream().map(m -> m.replace(" ", ""))).doesNotHaveDuplicates();
  }
}
