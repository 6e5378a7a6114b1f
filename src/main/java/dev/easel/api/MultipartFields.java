package dev.easel.api;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fields of a {@code multipart/form-data} body (RFC 7578). File fields are recognised by name, not
 * by the presence of a filename, because the Java SDK sends files without one.
 */
final class MultipartFields implements Fields {
  private static final int MAX_PARTS = 64;
  private static final int MAX_HEADER_BYTES = 8192;

  private final Set<String> fileFields;
  private final Map<String, String> texts = new LinkedHashMap<>();
  private final List<Upload> uploads = new ArrayList<>();

  private MultipartFields(Set<String> fileFields) {
    this.fileFields = fileFields;
  }

  /**
   * Parses the whole body.
   *
   * @param fileFields names whose parts are files (e.g. {@code image}, {@code image[]}, {@code
   *     mask})
   */
  static MultipartFields parse(byte[] body, String contentType, Set<String> fileFields) {
    String boundary = boundary(contentType);
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int pos = indexOf(body, delimiter, 0);
    if (pos < 0) {
      throw malformed("the body does not contain the boundary given in the Content-Type header");
    }
    MultipartFields fields = new MultipartFields(fileFields);
    byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    pos += delimiter.length;
    int parts = 0;
    while (true) {
      if (startsWith(body, pos, "--")) {
        return fields;
      }
      if (!startsWith(body, pos, "\r\n")) {
        throw malformed("a boundary line is not followed by a line break");
      }
      pos += 2;
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
      if (headersEnd < 0 || headersEnd - pos > MAX_HEADER_BYTES) {
        throw malformed("a part's headers are incomplete");
      }
      String headers = new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8);
      int contentStart = headersEnd + 4;
      int contentEnd = indexOf(body, next, contentStart);
      if (contentEnd < 0) {
        throw malformed("the body ends before the closing boundary (was it truncated?)");
      }
      if (++parts > MAX_PARTS) {
        throw malformed("more than " + MAX_PARTS + " parts");
      }
      fields.add(headers, java.util.Arrays.copyOfRange(body, contentStart, contentEnd));
      pos = contentEnd + next.length;
    }
  }

  private void add(String headers, byte[] content) {
    String disposition = null;
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
        disposition = line.substring(colon + 1).trim();
      }
    }
    if (disposition == null) {
      throw malformed("a part has no Content-Disposition header");
    }
    String name = dispositionParameter(disposition, "name");
    if (name == null) {
      throw malformed("a part's Content-Disposition has no name");
    }
    if (fileFields.contains(name)) {
      uploads.add(new Upload(name, content));
    } else if (texts.putIfAbsent(name, new String(content, StandardCharsets.UTF_8)) != null) {
      throw ApiException.invalid(
          "The field '" + name + "' was given more than once.", name, "duplicate_parameter");
    }
  }

  private static String dispositionParameter(String disposition, String parameter) {
    for (String piece : splitParameters(disposition)) {
      int eq = piece.indexOf('=');
      if (eq > 0 && piece.substring(0, eq).trim().equalsIgnoreCase(parameter)) {
        String value = piece.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1).replace("\\\"", "\"");
        }
        return value;
      }
    }
    return null;
  }

  private static List<String> splitParameters(String header) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c == '"' && (i == 0 || header.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      }
      if (c == ';' && !quoted) {
        out.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    out.add(current.toString());
    return out;
  }

  static String boundary(String contentType) {
    String boundary = dispositionParameter(contentType, "boundary");
    if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
      throw ApiException.invalid(
          "The multipart Content-Type header has no valid boundary parameter.", null, null);
    }
    return boundary;
  }

  private static ApiException malformed(String why) {
    return ApiException.invalid(
        "Could not parse the multipart form body: " + why + ".", null, null);
  }

  private static boolean startsWith(byte[] body, int pos, String s) {
    if (pos + s.length() > body.length) {
      if (pos >= body.length) {
        throw malformed("the body ends before the closing boundary (was it truncated?)");
      }
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (body[pos + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  public Set<String> names() {
    return new LinkedHashSet<>(texts.keySet());
  }

  @Override
  public Optional<String> string(String name) {
    return Optional.ofNullable(texts.get(name));
  }

  @Override
  public Optional<BigInteger> integer(String name) {
    return string(name)
        .map(
            v -> {
              try {
                return new BigInteger(v.trim());
              } catch (NumberFormatException e) {
                throw Fields.wrongType(name, "'" + v + "'", "an integer");
              }
            });
  }

  @Override
  public Optional<Double> number(String name) {
    return string(name)
        .map(
            v -> {
              try {
                double d = Double.parseDouble(v.trim());
                if (!Double.isFinite(d)) {
                  throw new NumberFormatException();
                }
                return d;
              } catch (NumberFormatException e) {
                throw Fields.wrongType(name, "'" + v + "'", "a number");
              }
            });
  }

  @Override
  public Optional<Boolean> bool(String name) {
    return string(name)
        .map(
            v ->
                switch (v.trim().toLowerCase(Locale.ROOT)) {
                  case "true" -> true;
                  case "false" -> false;
                  default -> throw Fields.wrongType(name, "'" + v + "'", "a boolean");
                });
  }

  @Override
  public List<Upload> files(String... names) {
    List<String> wanted = List.of(names);
    return uploads.stream().filter(u -> wanted.contains(u.field())).toList();
  }
}
