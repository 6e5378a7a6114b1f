package dev.easel.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.image.ImageDecoder;
import dev.easel.image.RgbaImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Raw HTTP calls (java.net.http) for the API tests. */
final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Http() {}

  record Response(int status, java.net.http.HttpHeaders headers, byte[] raw) {
    JsonNode json() {
      try {
        return MAPPER.readTree(raw);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + text(), e);
      }
    }

    String text() {
      return new String(raw, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    /** The first image of a 200 {@code b64_json} answer, decoded. */
    RgbaImage image() {
      if (status != 200) {
        throw new AssertionError("status " + status + ": " + text());
      }
      return ImageDecoder.decode(Base64.getDecoder().decode(json().at("/data/0/b64_json").asText()))
          .image();
    }
  }

  static Response send(HttpRequest request) {
    try {
      HttpResponse<byte[]> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Response get(String url, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  static Response post(String url, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  static Response postJson(String url, String json, String... headers) {
    return post(url, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** Builds a multipart/form-data body part by part. */
  static final class Multipart {
    static final String BOUNDARY = "----easel-test-boundary-7MA4YWxkTrZu0gW";
    private final List<byte[]> parts = new ArrayList<>();

    Multipart text(String name, String value) {
      parts.add(
          ("--"
                  + BOUNDARY
                  + "\r\nContent-Disposition: form-data; name=\""
                  + name
                  + "\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                  + value
                  + "\r\n")
              .getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** A file part; {@code filename} null leaves it out, as the Java SDK does. */
    Multipart file(String name, String filename, byte[] data) {
      String disposition =
          "form-data; name=\""
              + name
              + "\""
              + (filename == null ? "" : "; filename=\"" + filename + "\"");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(
          ("--"
                  + BOUNDARY
                  + "\r\nContent-Disposition: "
                  + disposition
                  + "\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.writeBytes(data);
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
      parts.add(out.toByteArray());
      return this;
    }

    byte[] body() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      parts.forEach(out::writeBytes);
      out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
      return out.toByteArray();
    }

    static String contentType() {
      return "multipart/form-data; boundary=" + BOUNDARY;
    }

    Response post(String url, String... headers) {
      return Http.post(url, contentType(), body(), headers);
    }
  }
}
