package dev.easel.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Fields of an {@code application/json} body. */
final class JsonFields implements Fields {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final ObjectNode body;

  private JsonFields(ObjectNode body) {
    this.body = body;
  }

  static JsonFields parse(byte[] bytes) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw notParsable();
    }
    if (!(node instanceof ObjectNode object)) {
      throw notParsable();
    }
    return new JsonFields(object);
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
  public List<Upload> files(String... names) {
    return List.of();
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
