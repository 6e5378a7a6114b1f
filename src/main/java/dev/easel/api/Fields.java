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

  /** A whole number of any size; its range is the reader's to check. */
  Optional<BigInteger> integer(String name);

  Optional<Double> number(String name);

  Optional<Boolean> bool(String name);

  /**
   * Uploaded files under any of the names, in order; for a JSON edit, the images its {@code images}
   * and {@code mask} refer to.
   */
  List<Upload> files(String... names);

  /** Whether the body is JSON (a JSON edit follows {@code EditImageBodyJsonParam}). */
  default boolean isJson() {
    return false;
  }

  /**
   * One uploaded file part.
   *
   * @param field the part's name, or where the image came from ({@code images[0]}, {@code
   *     image_url}): errors about the image name it, {@code image[]} as {@code image}
   */
  record Upload(String field, byte[] data) {}

  static ApiException wrongType(String name, String value, String expected) {
    return ApiException.invalid(
        "Invalid type for '" + name + "': expected " + expected + ", but got " + value + ".",
        name,
        "invalid_type");
  }
}
