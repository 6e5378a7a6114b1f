package dev.easel.image;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generation settings written into a PNG's {@code parameters} text chunk, in the "infotext"
 * layout that AUTOMATIC1111's web UI, Forge, ComfyUI importers and image browsers read:
 *
 * <pre>
 * a prompt
 * Negative prompt: blurry
 * Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model: sd-turbo
 * </pre>
 *
 * Values holding a comma, colon or line break are written as JSON strings, as the web UI does.
 *
 * @param negativePrompt empty when there is none (the line is then left out)
 * @param model model name, or null to leave it out
 * @param extra further {@code key: value} pairs, in order, after the standard ones
 */
public record GenerationParameters(
    String prompt,
    String negativePrompt,
    int steps,
    String sampler,
    double cfgScale,
    long seed,
    int width,
    int height,
    String model,
    Map<String, String> extra) {

  /** The PNG text keyword the web UIs use. */
  public static final String PNG_KEYWORD = "parameters";

  private static final String NEGATIVE = "Negative prompt:";
  private static final Pattern PARAM =
      Pattern.compile("\\s*(\\w[\\w \\-/]+):\\s*(\"(?:\\\\.|[^\\\\\"])+\"|[^,]*)(?:,|$)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)x(\\d+)");
  private static final List<String> STANDARD =
      List.of("Steps", "Sampler", "CFG scale", "Seed", "Size", "Model");

  public GenerationParameters {
    prompt = prompt == null ? "" : prompt;
    negativePrompt = negativePrompt == null ? "" : negativePrompt;
    extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra == null ? Map.of() : extra));
  }

  /** The infotext: prompt, optional negative prompt line, then the settings line. */
  public String format() {
    StringBuilder text = new StringBuilder(prompt);
    if (!negativePrompt.isEmpty()) {
      text.append('\n').append(NEGATIVE).append(' ').append(negativePrompt);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("Steps", Integer.toString(steps));
    settings.put("Sampler", sampler);
    settings.put("CFG scale", number(cfgScale));
    settings.put("Seed", Long.toString(seed));
    settings.put("Size", width + "x" + height);
    if (model != null) {
      settings.put("Model", model);
    }
    settings.putAll(extra);
    List<String> pairs = new ArrayList<>();
    settings.forEach((k, v) -> pairs.add(k + ": " + quote(v)));
    return text.append('\n').append(String.join(", ", pairs)).toString();
  }

  /**
   * Reads an infotext as the web UI does: the last line holds the settings (when it has at least
   * three {@code key: value} pairs), lines before it are the prompt up to a line starting with
   * {@code Negative prompt:}. Each prompt line is stripped of surrounding spaces.
   *
   * @throws IllegalArgumentException when Steps, Sampler, CFG scale, Seed or Size is missing or
   *     malformed
   */
  public static GenerationParameters parse(String text) {
    List<String> lines = new ArrayList<>(List.of(text.strip().split("\n", -1)));
    String last = lines.remove(lines.size() - 1);
    Map<String, String> settings = settings(last);
    if (settings.size() < 3) {
      lines.add(last);
      settings = Map.of();
    }
    StringBuilder prompt = new StringBuilder();
    StringBuilder negative = new StringBuilder();
    boolean inNegative = false;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith(NEGATIVE)) {
        inNegative = true;
        line = line.substring(NEGATIVE.length()).strip();
      }
      StringBuilder target = inNegative ? negative : prompt;
      if (!target.isEmpty()) {
        target.append('\n');
      }
      target.append(line);
    }
    Matcher size = SIZE.matcher(required(settings, "Size"));
    if (!size.matches()) {
      throw new IllegalArgumentException("infotext Size must be WxH, got " + settings.get("Size"));
    }
    Map<String, String> extra = new LinkedHashMap<>(settings);
    STANDARD.forEach(extra::remove);
    try {
      return new GenerationParameters(
          prompt.toString(),
          negative.toString(),
          Integer.parseInt(required(settings, "Steps")),
          required(settings, "Sampler"),
          Double.parseDouble(required(settings, "CFG scale")),
          Long.parseLong(required(settings, "Seed")),
          Integer.parseInt(size.group(1)),
          Integer.parseInt(size.group(2)),
          settings.get("Model"),
          extra);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("infotext has a malformed number: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> settings(String line) {
    Map<String, String> settings = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(line);
    while (m.find()) {
      String value = m.group(2);
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = unquote(value);
      }
      settings.put(m.group(1), value);
    }
    return settings;
  }

  private static String required(Map<String, String> settings, String key) {
    String value = settings.get(key);
    if (value == null) {
      throw new IllegalArgumentException("infotext lacks '" + key + "'");
    }
    return value;
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static String quote(String value) {
    if (value.indexOf(',') < 0 && value.indexOf('\n') < 0 && value.indexOf(':') < 0) {
      return value;
    }
    StringBuilder q = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\r' -> q.append("\\r");
        case '\t' -> q.append("\\t");
        default -> {
          if (c < 0x20) {
            q.append(String.format("\\u%04x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }

  private static String unquote(String quoted) {
    StringBuilder s = new StringBuilder();
    for (int i = 1; i < quoted.length() - 1; i++) {
      char c = quoted.charAt(i);
      if (c != '\\' || i + 1 >= quoted.length() - 1) {
        s.append(c);
        continue;
      }
      char e = quoted.charAt(++i);
      switch (e) {
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'u' -> {
          s.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> s.append(e);
      }
    }
    return s.toString();
  }
}
