package dev.easel.api;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fields of one request body, JSON or multipart, read with OpenAI's type rules: a value of the
 * wrong type is a 400 naming the field; an explicit JSON {@code null} counts as absent.
 */
interface Fields {
  /** Names of every non-file field present (with a non-null value). */
  Set<String> names();

  Optional<String> string(String name);

  Optional<Long> integer(String name);

  Optional<Double> number(String name);

  Optional<Boolean> bool(String name);

  /** Uploaded files under any of the names, in order; empty for JSON bodies. */
  List<Upload> files(String... names);

  /** One uploaded file part. */
  record Upload(String field, String filename, byte[] data) {}

  /** An integer beyond what any field accepts (64-bit). */
  static ApiException outOfRange(String name, BigInteger value) {
    boolean high = value.signum() > 0;
    return ApiException.invalid(
        value
            + (high ? " is greater than the maximum of " : " is less than the minimum of ")
            + (high ? Long.MAX_VALUE : Long.MIN_VALUE)
            + " - '"
            + name
            + "'",
        name,
        high ? "integer_above_max_value" : "integer_below_min_value");
  }

  static ApiException wrongType(String name, String value, String expected) {
    return ApiException.invalid(
        "Invalid type for '" + name + "': expected " + expected + ", but got " + value + ".",
        name,
        "invalid_type");
  }
}
