package dev.easel.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bytes an {@code image_url} of a JSON edit refers to: a base64 {@code data:} URL, or an
 * http(s) URL downloaded (when the server allows it) within the upload size limit.
 */
final class ImageUrls {
  /** {@code ImageRefParam.image_url}'s maxLength. */
  static final int MAX_URL_LENGTH = 20_971_520;

  /** How long a download may take, from connecting to its last byte. */
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final long maxBytes;
  private final Duration timeout;

  /**
   * @param fetch whether http(s) URLs are downloaded; otherwise only data URLs are taken
   * @param maxBytes largest image accepted; a longer download is cut off and refused
   * @param timeout how long a download may take in all
   */
  ImageUrls(boolean fetch, long maxBytes, Duration timeout) {
    this.http =
        fetch
            ? HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build()
            : null;
    this.maxBytes = maxBytes;
    this.timeout = timeout;
  }

  /**
   * @param param the field named in errors, e.g. {@code images[0].image_url}
   */
  byte[] resolve(String url, String param) {
    if (url.length() > MAX_URL_LENGTH) {
      throw ApiException.tooLong(param, MAX_URL_LENGTH, url.length());
    }
    if (url.regionMatches(true, 0, "data:", 0, 5)) {
      return dataUrl(url, param);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalidUrl(param, "it is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw invalidUrl(param, "it must be an http(s) URL or a base64 data URL");
    }
    if (http == null) {
      throw invalidUrl(
          param,
          "this server does not download image URLs (server.fetch-image-urls is off); send the"
              + " image as a base64 data URL");
    }
    return download(uri, param);
  }

  private static byte[] dataUrl(String url, String param) {
    int comma = url.indexOf(',');
    if (comma < 0 || !url.substring(0, comma).toLowerCase(Locale.ROOT).endsWith(";base64")) {
      throw invalidUrl(param, "a data URL must be base64, e.g. data:image/png;base64,iVBOR...");
    }
    try {
      return Base64.getMimeDecoder().decode(url.substring(comma + 1));
    } catch (IllegalArgumentException e) {
      throw invalidUrl(param, "its base64 data could not be decoded");
    }
  }

  /**
   * The response's headers must come within the timeout, and its body by the same deadline: a
   * server that trickles bytes has its stream closed under it.
   */
  private byte[] download(URI uri, String param) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    AtomicBoolean finished = new AtomicBoolean();
    AtomicBoolean timedOut = new AtomicBoolean();
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw downloadFailed(param, uri, "HTTP status " + response.statusCode());
        }
        CompletableFuture.delayedExecutor(
                Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
            .execute(
                () -> {
                  if (!finished.get()) {
                    timedOut.set(true);
                    closeQuietly(body);
                  }
                });
        byte[] data = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (data.length > maxBytes) {
          throw ApiException.invalid(
              "The image at '" + param + "' must be less than " + (maxBytes >> 20) + " MB.",
              param,
              "image_file_too_large");
        }
        return data;
      } finally {
        finished.set(true);
      }
    } catch (HttpTimeoutException e) {
      throw downloadFailed(param, uri, "no answer within " + timeout.toSeconds() + " s");
    } catch (IOException e) {
      throw downloadFailed(
          param,
          uri,
          timedOut.get()
              ? "not complete within " + timeout.toSeconds() + " s"
              : e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientConnection.GoneException();
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // the reader sees the stream end either way
    }
  }

  private static ApiException invalidUrl(String param, String why) {
    return ApiException.invalid(
        "Invalid '" + param + "': " + why + ".", param, "invalid_image_url");
  }

  private static ApiException downloadFailed(String param, URI uri, String why) {
    return ApiException.invalid(
        "The image at '" + param + "' (" + uri + ") could not be downloaded: " + why + ".",
        param,
        "image_download_failed");
  }
}
