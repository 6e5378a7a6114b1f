package dev.easel.studio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.easel.image.DecodedImage;
import dev.easel.image.GenerationParameters;
import dev.easel.image.ImageDecoder;
import dev.easel.image.ImageEncoder;
import dev.easel.image.ImageFormat;
import dev.easel.image.ImageFormatException;
import dev.easel.image.OutputFormat;
import dev.easel.image.PngChunks;
import dev.easel.store.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The studio's history on disk: one PNG per image under {@code images/} and an index, {@code
 * index.jsonl}, with one {@link HistoryEntry} per line, oldest first. Every write goes to a
 * temporary file that is then moved over the old one, so a crash leaves either the old or the new
 * state; an image is written before its index line and deleted after it, so the index never names a
 * missing file.
 */
public final class HistoryStore {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryStore.class);
  static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,40}");
  private static final Set<String> MODES = Set.of("generate", "edit", "variation");
  private static final int MAX_TEXT = 32_000;
  private static final String INDEX = "index.jsonl";

  private final Path dir;
  private final Path images;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final List<HistoryEntry> entries = new ArrayList<>();

  private HistoryStore(Path dir, Clock clock) {
    this.dir = dir;
    this.images = dir.resolve("images");
    this.clock = clock;
  }

  /**
   * Opens (creating it when needed) the history in {@code dir}. Index lines that cannot be read, or
   * whose image is gone, are skipped with a warning.
   *
   * @throws UncheckedIOException when the folder cannot be created or read
   */
  public static HistoryStore open(Path dir, Clock clock) {
    HistoryStore store = new HistoryStore(dir, clock);
    try {
      Files.createDirectories(store.images);
      Path index = dir.resolve(INDEX);
      if (Files.exists(index)) {
        List<String> lines = Files.readAllLines(index, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          store.load(lines.get(i), i + 1);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the studio history in " + dir, e);
    }
    return store;
  }

  private void load(String line, int number) {
    if (line.isBlank()) {
      return;
    }
    try {
      HistoryEntry e = JSON.readValue(line, HistoryEntry.class);
      if (e.id() == null || !ID.matcher(e.id()).matches() || e.parameters() == null) {
        LOG.warn("{}: line {} is not a history entry; skipped", dir.resolve(INDEX), number);
      } else if (!Files.exists(imageFile(e.id()))) {
        LOG.warn("{}: the image of entry {} is missing; skipped", dir.resolve(INDEX), e.id());
      } else {
        entries.add(e);
      }
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      LOG.warn("{}: line {} cannot be read ({}); skipped", dir.resolve(INDEX), number, why);
    }
  }

  public Path dir() {
    return dir;
  }

  /**
   * Records one image. A PNG that already carries a {@code parameters} text chunk is kept byte for
   * byte; any other image is stored as a PNG with the chunk written from {@code parameters} (when
   * its steps and guidance are known).
   *
   * @param image PNG, JPEG or WebP bytes
   * @throws IllegalArgumentException for unreadable images or invalid parameters
   */
  public synchronized HistoryEntry add(HistoryEntry.Parameters parameters, byte[] image) {
    check(parameters);
    DecodedImage decoded;
    try {
      decoded = ImageDecoder.decode(image);
    } catch (ImageFormatException e) {
      throw new IllegalArgumentException("the image cannot be read: " + e.getMessage(), e);
    }
    int width = decoded.image().width();
    int height = decoded.image().height();
    byte[] png =
        decoded.format() == ImageFormat.PNG
                && PngChunks.textChunks(image).containsKey(GenerationParameters.PNG_KEYWORD)
            ? image
            : ImageEncoder.encode(
                decoded.image(), OutputFormat.PNG, 100, textChunks(parameters, width, height));
    HistoryEntry entry =
        new HistoryEntry(newId(), clock.instant().getEpochSecond(), width, height, parameters);
    List<HistoryEntry> next = new ArrayList<>(entries);
    next.add(entry);
    try {
      AtomicFiles.write(imageFile(entry.id()), png);
      writeIndex(next);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to the studio history in " + dir, e);
    }
    entries.add(entry);
    return entry;
  }

  private static Map<String, String> textChunks(HistoryEntry.Parameters p, int width, int height) {
    if (p.steps() == null || p.guidanceScale() == null) {
      return Map.of();
    }
    GenerationParameters infotext =
        new GenerationParameters(
            p.prompt(),
            p.negativePrompt(),
            p.steps(),
            p.scheduler() == null ? "default" : p.scheduler(),
            p.guidanceScale(),
            p.seed(),
            width,
            height,
            p.model(),
            Map.of());
    return Map.of(GenerationParameters.PNG_KEYWORD, infotext.format());
  }

  private static void check(HistoryEntry.Parameters p) {
    if (p == null) {
      throw new IllegalArgumentException("the entry has no parameters");
    }
    if (p.mode() == null || !MODES.contains(p.mode())) {
      throw new IllegalArgumentException(
          "'mode' must be 'generate', 'edit' or 'variation', got " + quoted(p.mode()));
    }
    if (p.model() == null || p.model().isBlank() || p.model().length() > 200) {
      throw new IllegalArgumentException("'model' must name the model used");
    }
    if (p.prompt() == null || p.prompt().length() > MAX_TEXT) {
      throw new IllegalArgumentException("'prompt' must be a string of at most 32000 characters");
    }
    if (p.negativePrompt() != null && p.negativePrompt().length() > MAX_TEXT) {
      throw new IllegalArgumentException("'negative_prompt' must be at most 32000 characters");
    }
    if (p.seed() < 0) {
      throw new IllegalArgumentException("'seed' must be 0 or more");
    }
    if (p.steps() != null && (p.steps() < 1 || p.steps() > 1000)) {
      throw new IllegalArgumentException("'steps' must be between 1 and 1000");
    }
    if (p.guidanceScale() != null && !(p.guidanceScale() >= 0 && p.guidanceScale() <= 100)) {
      throw new IllegalArgumentException("'guidance_scale' must be between 0 and 100");
    }
    if (p.scheduler() != null && (p.scheduler().isBlank() || p.scheduler().length() > 100)) {
      throw new IllegalArgumentException("'scheduler' must be a scheduler name");
    }
    if (p.source() != null && !ID.matcher(p.source()).matches()) {
      throw new IllegalArgumentException("'source' must be a history id");
    }
  }

  private static String quoted(String s) {
    return s == null ? "nothing" : "'" + s + "'";
  }

  /**
   * Entries whose prompt contains every word of {@code query} (ignoring case), newest first.
   *
   * @param query words to look for; blank matches everything
   */
  public synchronized List<HistoryEntry> search(String query, int offset, int limit) {
    List<String> words =
        query == null || query.isBlank()
            ? List.of()
            : Arrays.asList(query.toLowerCase(Locale.ROOT).trim().split("\\s+"));
    List<HistoryEntry> found = new ArrayList<>();
    int skipped = 0;
    for (int i = entries.size() - 1; i >= 0 && found.size() < limit; i--) {
      HistoryEntry e = entries.get(i);
      String prompt = e.parameters().prompt().toLowerCase(Locale.ROOT);
      if (words.stream().allMatch(prompt::contains) && skipped++ >= offset) {
        found.add(e);
      }
    }
    return found;
  }

  public synchronized Optional<HistoryEntry> get(String id) {
    return entries.stream().filter(e -> e.id().equals(id)).findFirst();
  }

  /** The PNG of an entry (it exists while the entry does). */
  public Path imageFile(String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a history id: " + id);
    }
    return images.resolve(id + ".png");
  }

  /** Removes an entry and its image; false when there is no such entry. */
  public synchronized boolean delete(String id) {
    Optional<HistoryEntry> entry = get(id);
    if (entry.isEmpty()) {
      return false;
    }
    List<HistoryEntry> next = new ArrayList<>(entries);
    next.remove(entry.get());
    try {
      writeIndex(next);
      entries.remove(entry.get());
      Files.deleteIfExists(imageFile(id));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete from the studio history in " + dir, e);
    }
    return true;
  }

  public synchronized int size() {
    return entries.size();
  }

  private String newId() {
    byte[] tail = new byte[3];
    random.nextBytes(tail);
    return Long.toString(clock.millis(), 36) + "-" + HexFormat.of().formatHex(tail);
  }

  private void writeIndex(List<HistoryEntry> list) throws IOException {
    StringBuilder text = new StringBuilder();
    for (HistoryEntry e : list) {
      text.append(JSON.writeValueAsString(e)).append('\n');
    }
    AtomicFiles.write(dir.resolve(INDEX), text.toString().getBytes(StandardCharsets.UTF_8));
  }
}
