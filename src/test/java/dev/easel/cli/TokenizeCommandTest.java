package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.model.clip.TinyVocabulary;
import dev.easel.testing.CliRun;
import dev.easel.testing.SharedAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {
  @Test
  void printsIdsAndPiecesOfARealPrompt() {
    Path clip = SharedAssets.require("clip/vocab.json").getParent();
    CliRun run = CliRun.of("tokenize", "--model", clip.toString(), "a photo of a cat");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines())
        .containsExactly(
            "320\ta</w>",
            "1125\tphoto</w>",
            "539\tof</w>",
            "320\ta</w>",
            "2368\tcat</w>",
            "5 tokens; fits in 1 chunk of 77 (start + up to 75 + end, padded with <|endoftext|> = 49407)");
  }

  @Test
  void usesTheTokenizerSubfolderOfAModelFolder(@TempDir Path model) throws Exception {
    TinyVocabulary.write(model.resolve("tokenizer"));
    CliRun run = CliRun.of("tokenize", "--model", model.toString(), "the", "cat");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("\tthe</w>\n", "\tcat</w>\n", "2 tokens; fits in 1 chunk");
  }

  @Test
  void jsonShowsChunksOfALongPrompt(@TempDir Path model) throws Exception {
    TinyVocabulary.write(model.resolve("tokenizer_2"), "!");
    CliRun run =
        CliRun.of(
            "tokenize",
            "--model",
            model.toString(),
            "--tokenizer",
            "tokenizer_2",
            "--json",
            "--pad",
            "cat ".repeat(80));
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("count").asInt()).isEqualTo(80);
    assertThat(json.get("ids")).hasSize(80);
    assertThat(json.get("pieces").get(0).asText()).isEqualTo("cat</w>");
    assertThat(json.get("chunked").asBoolean()).isTrue();
    assertThat(json.get("pad_id").asInt()).isZero();
    JsonNode chunks = json.get("chunks");
    assertThat(chunks).hasSize(2);
    assertThat(chunks.get(1)).hasSize(77);
    assertThat(chunks.get(1).get(0).asInt()).isEqualTo(TinyVocabulary.START_ID);
    assertThat(chunks.get(1).get(6).asInt()).isEqualTo(TinyVocabulary.END_ID);
    assertThat(chunks.get(1).get(7).asInt()).isZero();
  }

  @Test
  void jsonWithoutPadGivesUnpaddedRows(@TempDir Path dir) throws Exception {
    TinyVocabulary.write(dir);
    CliRun run = CliRun.of("tokenize", "--model", dir.toString(), "--json", "");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("count").asInt()).isZero();
    assertThat(json.get("chunked").asBoolean()).isFalse();
    assertThat(json.get("chunks").get(0).toString())
        .isEqualTo("[" + TinyVocabulary.START_ID + "," + TinyVocabulary.END_ID + "]");
  }

  @Test
  void padShowsEveryPositionOfEveryRow(@TempDir Path dir) throws Exception {
    TinyVocabulary.write(dir);
    CliRun run = CliRun.of("tokenize", "--model", dir.toString(), "--pad", "cat");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().filter(l -> l.contains("\t"))).hasSize(77);
    assertThat(run.out())
        .startsWith("# chunk 1 of 1\n" + TinyVocabulary.START_ID + "\t<|startoftext|>\n")
        .contains("\tcat</w>\n" + TinyVocabulary.END_ID + "\t<|endoftext|>\n");
  }

  @Test
  void missingFolderIsAUsageError(@TempDir Path dir) {
    CliRun run = CliRun.of("tokenize", "--model", dir.resolve("nope").toString(), "cat");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("model folder not found", "nope").doesNotContain("\tat ");
  }

  @Test
  void folderWithoutVocabularyIsAUsageError(@TempDir Path dir) {
    CliRun run = CliRun.of("tokenize", "--model", dir.toString(), "cat");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no vocab.json").doesNotContain("\tat ");
  }

  @Test
  void malformedVocabularyFailsWithItsName(@TempDir Path dir) throws Exception {
    TinyVocabulary.write(dir);
    Files.writeString(dir.resolve("vocab.json"), "{\"a\": ");
    CliRun run = CliRun.of("tokenize", "--model", dir.toString(), "cat");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("vocab.json").doesNotContain("Exception", "\tat ");
  }

  @Test
  void promptIsRequired(@TempDir Path dir) {
    CliRun run = CliRun.of("tokenize", "--model", dir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("PROMPT");
  }
}
