package dev.easel.studio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.image.GenerationParameters;
import dev.easel.image.ImageEncoder;
import dev.easel.image.OutputFormat;
import dev.easel.image.PngChunks;
import dev.easel.image.RgbaImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryStoreTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-05-01T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  static byte[] png(int width, int height, Map<String, String> text) {
    byte[] rgba = new byte[width * height * 4];
    for (int i = 0; i < rgba.length; i++) {
      rgba[i] = (byte) (i % 4 == 3 ? 255 : i * 7);
    }
    return ImageEncoder.encode(new RgbaImage(width, height, rgba), OutputFormat.PNG, 100, text);
  }

  static HistoryEntry.Parameters generation(String prompt, long seed) {
    return new HistoryEntry.Parameters(
        "generate", "tiny", prompt, "blurry", seed, 20, 7.5, "euler_a", null);
  }

  @Test
  void entriesAndImagesSurviveReopening() throws Exception {
    HistoryStore store = HistoryStore.open(dir, CLOCK);
    HistoryEntry first = store.add(generation("a red fox", 42), png(64, 48, Map.of()));
    HistoryEntry second = store.add(generation("a blue bird", 43), png(64, 64, Map.of()));

    HistoryStore reopened = HistoryStore.open(dir, CLOCK);
    assertThat(reopened.search("", 0, 10)).containsExactly(second, first);
    assertThat(first.width()).isEqualTo(64);
    assertThat(first.height()).isEqualTo(48);
    assertThat(first.created()).isEqualTo(CLOCK.instant().getEpochSecond());
    assertThat(Files.readAllLines(dir.resolve("index.jsonl"))).hasSize(2);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void storedPngCarriesTheParametersWhenTheServerDidNot() throws Exception {
    HistoryStore store = HistoryStore.open(dir, CLOCK);
    HistoryEntry e = store.add(generation("a red fox, at night", 42), png(64, 48, Map.of()));

    byte[] stored = Files.readAllBytes(store.imageFile(e.id()));
    GenerationParameters p =
        GenerationParameters.parse(
            PngChunks.textChunks(stored).get(GenerationParameters.PNG_KEYWORD));
    assertThat(p.prompt()).isEqualTo("a red fox, at night");
    assertThat(p.negativePrompt()).isEqualTo("blurry");
    assertThat(p.seed()).isEqualTo(42);
    assertThat(p.steps()).isEqualTo(20);
    assertThat(p.cfgScale()).isEqualTo(7.5);
    assertThat(p.sampler()).isEqualTo("euler_a");
    assertThat(p.width()).isEqualTo(64);
    assertThat(p.height()).isEqualTo(48);
    assertThat(p.model()).isEqualTo("tiny");
  }

  @Test
  void pngWithItsOwnParametersIsKeptByteForByte() throws Exception {
    byte[] original =
        png(
            64,
            64,
            Map.of(
                "parameters",
                "from the server\nSteps: 3, Sampler: x, CFG scale: 1, Seed: 9, Size: 64x64"));
    HistoryStore store = HistoryStore.open(dir, CLOCK);
    HistoryEntry e = store.add(generation("from the server", 9), original);
    assertThat(Files.readAllBytes(store.imageFile(e.id()))).isEqualTo(original);
  }

  @Test
  void searchNeedsEveryWordIgnoringCaseNewestFirstAndPages() {
    HistoryStore store = HistoryStore.open(dir, CLOCK);
    HistoryEntry fox = store.add(generation("A Red Fox in snow", 1), png(64, 64, Map.of()));
    store.add(generation("a red car", 2), png(64, 64, Map.of()));
    HistoryEntry fox2 = store.add(generation("red fox cub", 3), png(64, 64, Map.of()));

    assertThat(store.search("fox RED", 0, 10)).containsExactly(fox2, fox);
    assertThat(store.search("fox", 1, 10)).containsExactly(fox);
    assertThat(store.search("red", 0, 2)).hasSize(2);
    assertThat(store.search("zebra", 0, 10)).isEmpty();
  }

  @Test
  void deleteRemovesEntryAndFileForGood() {
    HistoryStore store = HistoryStore.open(dir, CLOCK);
    HistoryEntry keep = store.add(generation("keep", 1), png(64, 64, Map.of()));
    HistoryEntry gone = store.add(generation("gone", 2), png(64, 64, Map.of()));

    assertThat(store.delete(gone.id())).isTrue();
    assertThat(store.delete(gone.id())).isFalse();
    assertThat(Files.exists(store.imageFile(gone.id()))).isFalse();
    assertThat(HistoryStore.open(dir, CLOCK).search(null, 0, 10)).containsExactly(keep);
  }

  @Test
  void unreadableIndexLinesAndMissingImagesAreSkipped() throws Exception {
    HistoryStore store = HistoryStore.open(dir, CLOCK);
    HistoryEntry kept = store.add(generation("kept", 1), png(64, 64, Map.of()));
    HistoryEntry orphan = store.add(generation("orphan", 2), png(64, 64, Map.of()));
    Files.delete(store.imageFile(orphan.id()));
    Files.writeString(
        dir.resolve("index.jsonl"),
        "{not json\n\n{\"id\":\"../../etc\",\"parameters\":{}}\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);

    assertThat(HistoryStore.open(dir, CLOCK).search("", 0, 10)).containsExactly(kept);
  }

  @Test
  void invalidEntriesAreRefusedWithAReason() {
    HistoryStore store = HistoryStore.open(dir, CLOCK);
    byte[] image = png(64, 64, Map.of());
    assertThatThrownBy(
            () ->
                store.add(
                    new HistoryEntry.Parameters("paint", "m", "p", null, 1, null, null, null, null),
                    image))
        .hasMessageContaining("'mode' must be");
    assertThatThrownBy(() -> store.add(generation("p", -1), image)).hasMessageContaining("'seed'");
    assertThatThrownBy(
            () ->
                store.add(generation("p", 1), "GIF89a not really".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("the image cannot be read");
    assertThatThrownBy(() -> store.imageFile("../x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.size()).isZero();
    assertThat(List.of(dir.resolve("images").toFile().list())).isEmpty();
  }
}
