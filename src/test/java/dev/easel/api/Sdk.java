package dev.easel.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.images.Image;
import com.openai.models.images.ImagesResponse;
import dev.easel.image.DecodedImage;
import dev.easel.image.ImageDecoder;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The official openai-java client pointed at a test server, and helpers to read its answers. */
final class Sdk {
  private Sdk() {}

  static OpenAIClient client(TestServers.Running s) {
    return OpenAIOkHttpClient.builder()
        .apiKey("test-key")
        .baseUrl(s.url("/v1"))
        .maxRetries(0)
        .timeout(Duration.ofSeconds(60))
        .responseValidation(true)
        .build();
  }

  /** Easel's extra parameters as the SDK sends them (additional body properties). */
  static Map<String, JsonValue> extras(Object... keyValues) {
    Map<String, JsonValue> extras = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      extras.put((String) keyValues[i], JsonValue.from(keyValues[i + 1]));
    }
    return extras;
  }

  static List<Image> data(ImagesResponse r) {
    return r.data().orElseThrow();
  }

  static byte[] bytes(Image image) {
    return Base64.getDecoder().decode(image.b64Json().orElseThrow());
  }

  static DecodedImage decode(byte[] bytes) {
    return ImageDecoder.decode(bytes);
  }

  static DecodedImage decode(Image image) {
    return decode(bytes(image));
  }

  /** Easel's {@code seed} field on an image. */
  @SuppressWarnings("deprecation") // Image is deprecated with dall-e-2 in the SDK, still returned
  static long seed(Image image) {
    return seed(image._additionalProperties());
  }

  /** Easel's {@code seed} field among an SDK object's additional properties. */
  static long seed(Map<String, JsonValue> additionalProperties) {
    JsonValue seed = additionalProperties.get("seed");
    assertThat(seed).as("seed field").isNotNull();
    return ((Number) seed.asNumber().orElseThrow()).longValue();
  }
}
