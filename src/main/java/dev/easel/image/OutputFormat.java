package dev.easel.image;

import java.util.Locale;

/** The formats {@link ImageEncoder} writes: OpenAI's {@code output_format} values. */
public enum OutputFormat {
  PNG("png", "image/png"),
  JPEG("jpeg", "image/jpeg"),
  WEBP("webp", "image/webp");

  private final String apiName;
  private final String mimeType;

  OutputFormat(String apiName, String mimeType) {
    this.apiName = apiName;
    this.mimeType = mimeType;
  }

  /** The name in OpenAI requests and responses: {@code png}, {@code jpeg}, {@code webp}. */
  public String apiName() {
    return apiName;
  }

  public String mimeType() {
    return mimeType;
  }

  /**
   * The format named {@code name} ({@code png}, {@code jpeg}, {@code webp}; {@code jpg} is accepted
   * too), case-insensitive.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static OutputFormat fromApiName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (OutputFormat f : values()) {
      if (f.apiName.equals(lower)) {
        return f;
      }
    }
    if (lower.equals("jpg")) {
      return JPEG;
    }
    throw new IllegalArgumentException(
        "unknown output format '" + name + "'; expected png, jpeg or webp");
  }
}
