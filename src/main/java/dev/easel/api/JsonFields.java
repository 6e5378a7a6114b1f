package dev.easel.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fields of an {@code application/json} body. A JSON edit's images are {@code ImageRefParam}s:
 * {@code images} (the {@code image} files) and {@code mask}, each {@code {"image_url": …}}.
 */
final class JsonFields implements Fields {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final ObjectNode body;
  private final ImageUrls urls;

  private JsonFields(ObjectNode body, ImageUrls urls) {
    this.body = body;
    this.urls = urls;
  }

  /**
   * @param urls resolves the {@code image_url}s of a JSON edit
   */
  static JsonFields parse(byte[] bytes, ImageUrls urls) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw notParsable();
    }
    if (!(node instanceof ObjectNode object)) {
      throw notParsable();
    }
    return new JsonFields(object, urls);
  }

  private static ApiException notParsable() {
    return ApiException.invalid(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't"
            + " using your HTTP library correctly. The OpenAI API expects a JSON payload, but what"
            + " was sent was not valid JSON.)",
        null,
        null);
  }

  @Override
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (Map.Entry<String, JsonNode> e : body.properties()) {
      if (!e.getValue().isNull()) {
        names.add(e.getKey());
      }
    }
    return names;
  }

  private Optional<JsonNode> node(String name) {
    JsonNode n = body.get(name);
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
  }

  @Override
  public Optional<String> string(String name) {
    return node(name)
        .map(
            n -> {
              if (!n.isTextual()) {
                throw Fields.wrongType(name, describe(n), "a string");
              }
              return n.textValue();
            });
  }

  @Override
  public Optional<BigInteger> integer(String name) {
    return node(name)
        .map(
            n -> {
              if (!n.isIntegralNumber()) {
                throw Fields.wrongType(name, describe(n), "an integer");
              }
              return n.bigIntegerValue();
            });
  }

  @Override
  public Optional<Double> number(String name) {
    return node(name)
        .map(
            n -> {
              if (!n.isNumber()) {
                throw Fields.wrongType(name, describe(n), "a number");
              }
              return n.doubleValue();
            });
  }

  @Override
  public Optional<Boolean> bool(String name) {
    return node(name)
        .map(
            n -> {
              if (!n.isBoolean()) {
                throw Fields.wrongType(name, describe(n), "a boolean");
              }
              return n.booleanValue();
            });
  }

  @Override
  public boolean isJson() {
    return true;
  }

  @Override
  public List<Upload> files(String... names) {
    List<String> wanted = List.of(names);
    List<Upload> files = new ArrayList<>();
    if (wanted.contains("image") || wanted.contains("image[]")) {
      node("images")
          .ifPresent(
              images -> {
                if (!images.isArray()) {
                  throw Fields.wrongType("images", describe(images), "an array");
                }
                if (images.isEmpty()) {
                  throw ApiException.invalid(
                      "Invalid 'images': empty array. Expected an array with minimum length 1,"
                          + " but got an empty array instead.",
                      "images",
                      "empty_array");
                }
                for (int i = 0; i < images.size(); i++) {
                  files.add(imageRef(images.get(i), "images[" + i + "]"));
                }
              });
    }
    if (wanted.contains("mask")) {
      node("mask").ifPresent(mask -> files.add(imageRef(mask, "mask")));
    }
    return files;
  }

  /** One {@code ImageRefParam}: exactly one of {@code image_url} and {@code file_id}. */
  private Upload imageRef(JsonNode ref, String param) {
    if (!ref.isObject()) {
      throw Fields.wrongType(param, describe(ref), "an object");
    }
    for (Map.Entry<String, JsonNode> e : ref.properties()) {
      if (!e.getKey().equals("image_url") && !e.getKey().equals("file_id")) {
        throw ApiException.unknownParameter(param + "." + e.getKey());
      }
    }
    JsonNode url = ref.get("image_url");
    JsonNode fileId = ref.get("file_id");
    if ((url == null) == (fileId == null)) {
      throw ApiException.invalid(
          "'" + param + "' must have exactly one of 'image_url' and 'file_id'.",
          param,
          "invalid_value");
    }
    if (fileId != null) {
      throw ApiException.invalid(
          "'"
              + param
              + ".file_id' refers to OpenAI's Files API, which Easel does not have: send the image"
              + " as 'image_url' (a base64 data URL or an http(s) URL).",
          param + ".file_id",
          "unsupported_parameter");
    }
    if (!url.isTextual()) {
      throw Fields.wrongType(param + ".image_url", describe(url), "a string");
    }
    return new Upload(param, urls.resolve(url.textValue(), param + ".image_url"));
  }

  private static String describe(JsonNode n) {
    return switch (n.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> n.isIntegralNumber() ? "an integer" : "a decimal";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
