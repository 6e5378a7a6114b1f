package dev.easel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Downloads of JSON edits' http(s) image URLs, against a real local HTTP server. */
class ImageUrlsTest {
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/big",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(new byte[4096]);
          }
        });
    server.createContext(
        "/trickle",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 100; i++) {
              out.write(i);
              out.flush();
              Thread.sleep(100);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (java.io.IOException e) {
            // the downloader gave up and closed the connection
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Test
  void aDownloadOverTheLimitIsRefused() {
    ImageUrls urls = new ImageUrls(true, 1000, Duration.ofSeconds(5));
    assertThatThrownBy(() -> urls.resolve(url("/big"), "images[0].image_url"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("image_file_too_large"));
    assertThat(new ImageUrls(true, 5000, Duration.ofSeconds(5)).resolve(url("/big"), "x"))
        .hasSize(4096);
  }

  @Test
  void aServerThatTricklesIsCutOffAtTheDeadline() {
    ImageUrls urls = new ImageUrls(true, 1 << 20, Duration.ofSeconds(1));
    assertThatThrownBy(() -> urls.resolve(url("/trickle"), "images[0].image_url"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo("image_download_failed");
              assertThat(e.getMessage()).contains("not complete within 1 s");
            });
  }
}
