package dev.easel.api;

import static dev.easel.api.ApiErrorAssertions.assertBadRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.easel.image.RgbaImage;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/images/edits} with a JSON body ({@code EditImageBodyJsonParam}). */
class JsonEditTest {
  private static final RgbaImage PICTURE = EditTest.picture(48, 48);
  private static final RgbaImage MASK = EditTest.withHole(PICTURE, 8, 8, 24, 24);
  private static final byte[] PICTURE_PNG = EditTest.png(PICTURE);
  private static final byte[] MASK_PNG = EditTest.png(MASK);

  private static TestServers.Running server;
  private static HttpServer images;

  @BeforeAll
  static void start() throws Exception {
    server = TestServers.withTinyModel(Map.of());
    images = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    images.createContext(
        "/picture.png",
        exchange -> {
          exchange.sendResponseHeaders(200, PICTURE_PNG.length);
          exchange.getResponseBody().write(PICTURE_PNG);
          exchange.close();
        });
    images.start();
  }

  @AfterAll
  static void stop() {
    server.close();
    images.stop(0);
  }

  static String dataUrl(byte[] png) {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
  }

  static String imageUrl() {
    return "http://127.0.0.1:" + images.getAddress().getPort() + "/picture.png";
  }

  static Http.Response edit(String json) {
    return Http.postJson(server.url("/v1/images/edits"), json);
  }

  static String body(String imageUrl, String extra) {
    return "{\"model\":\"gpt-image-1\",\"prompt\":\"a red door\",\"seed\":5,\"steps\":2,"
        + "\"images\":[{\"image_url\":\""
        + imageUrl
        + "\"}],\"mask\":{\"image_url\":\""
        + dataUrl(MASK_PNG)
        + "\"}"
        + extra
        + "}";
  }

  @Test
  void aDataUrlOrAnHttpUrlEditsLikeTheMultipartUpload() {
    RgbaImage fromData = edit(body(dataUrl(PICTURE_PNG), "")).image();
    RgbaImage fromHttp = edit(body(imageUrl(), "")).image();
    Http.Multipart upload = new Http.Multipart().file("image", null, PICTURE_PNG);
    Http.Multipart urlField = new Http.Multipart().text("image_url", imageUrl());
    for (Http.Multipart multipart : List.of(upload, urlField)) {
      Http.Response r =
          multipart
              .file("mask", null, MASK_PNG)
              .text("model", "gpt-image-1")
              .text("prompt", "a red door")
              .text("seed", "5")
              .text("steps", "2")
              .post(server.url("/v1/images/edits"));
      assertThat(r.image().rgba()).isEqualTo(fromData.rgba());
    }
    assertThat(fromHttp.rgba()).isEqualTo(fromData.rgba());
    assertThat(fromData.rgba()).isNotEqualTo(PICTURE.rgba());
    for (int y = 0; y < PICTURE.height(); y++) {
      for (int x = 0; x < PICTURE.width(); x++) {
        for (int c = 0; c < 3 && MASK.alpha(x, y) == 255; c++) {
          assertThat(fromData.channel(x, y, c)).isEqualTo(PICTURE.channel(x, y, c));
        }
      }
    }
  }

  @Test
  void aStreamedJsonEditSendsEditEvents() {
    Http.Response r = edit(body(dataUrl(PICTURE_PNG), ",\"stream\":true,\"partial_images\":1"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text())
        .contains("event: image_edit.partial_image", "event: image_edit.completed")
        .endsWith("data: [DONE]\n\n");
  }

  @Test
  void badJsonEditsAreRefusedNamingTheField() {
    String picture = "{\"image_url\":\"" + dataUrl(PICTURE_PNG) + "\"}";
    assertBadRequest(
        edit("{\"model\":\"dall-e-2\",\"prompt\":\"x\",\"images\":[" + picture + "]}"),
        "model",
        "invalid_value");
    assertBadRequest(edit("{\"prompt\":\"x\"}"), "images", "missing_required_parameter");
    assertBadRequest(edit("{\"prompt\":\"x\",\"images\":[]}"), "images", "empty_array");
    assertBadRequest(
        edit("{\"prompt\":\"x\",\"images\":" + picture + "}"), "images", "invalid_type");
    assertBadRequest(
        edit("{\"prompt\":\"x\",\"images\":[{\"file_id\":\"file-abc123\"}]}"),
        "images[0].file_id",
        "unsupported_parameter");
    assertBadRequest(
        edit(
            "{\"prompt\":\"x\",\"images\":[{\"file_id\":\"file-1\",\"image_url\":\""
                + imageUrl()
                + "\"}]}"),
        "images[0]",
        "invalid_value");
    assertBadRequest(
        edit("{\"prompt\":\"x\",\"images\":[{\"url\":\"" + imageUrl() + "\"}]}"),
        "images[0].url",
        "unknown_parameter");
    assertBadRequest(
        edit("{\"prompt\":\"x\",\"images\":[" + picture + "],\"response_format\":\"url\"}"),
        "response_format",
        "unknown_parameter");
    assertBadRequest(
        edit("{\"prompt\":\"x\",\"images\":[" + picture + "],\"size\":\"512x512\"}"),
        "size",
        "invalid_value");
    assertBadRequest(
        edit(
            "{\"model\":\"gpt-image-2\",\"prompt\":\"x\",\"images\":["
                + picture
                + "],\"size\":\"2048x1152\"}"),
        "size",
        "invalid_value");
    assertBadRequest(
        edit("{\"prompt\":\"x\",\"images\":[" + (picture + ",").repeat(16) + picture + "]}"),
        "images",
        "too_many_images");
    assertBadRequest(
        edit("{\"prompt\":\"x\",\"images\":[{\"image_url\":\"data:image/png,abc\"}]}"),
        "images[0].image_url",
        "invalid_image_url");
    assertBadRequest(
        edit("{\"prompt\":\"x\",\"images\":[{\"image_url\":\"ftp://example.com/a.png\"}]}"),
        "images[0].image_url",
        "invalid_image_url");
    assertBadRequest(
        edit(
            "{\"prompt\":\"x\",\"images\":[{\"image_url\":\""
                + imageUrl().replace("picture", "missing")
                + "\"}]}"),
        "images[0].image_url",
        "image_download_failed");
    assertBadRequest(
        edit(
            "{\"prompt\":\"x\",\"images\":[{\"image_url\":\""
                + dataUrl("not a picture".getBytes())
                + "\"}]}"),
        "images[0]",
        "invalid_image_format");
    assertBadRequest(
        edit(
            "{\"prompt\":\"x\",\"images\":["
                + picture
                + "],\"mask\":{\"image_url\":\""
                + dataUrl(TestImages.jpeg(48, 48))
                + "\"}}"),
        "mask",
        "invalid_image_format");
  }

  @Test
  void withDownloadsOffOnlyDataUrlsAreTaken() {
    try (TestServers.Running closed =
        TestServers.withTinyModel(Map.of("server.fetch-image-urls", "false"))) {
      Http.Response r =
          Http.postJson(
              closed.url("/v1/images/edits"),
              "{\"prompt\":\"x\",\"images\":[{\"image_url\":\"" + imageUrl() + "\"}]}");
      assertThat(assertBadRequest(r, "images[0].image_url", "invalid_image_url").get("message"))
          .asString()
          .contains("server.fetch-image-urls");
    }
  }
}
