package dev.easel.api;

import static dev.easel.api.ApiErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** stop() (what SIGTERM runs): requests in flight finish, new ones get 503, then it stops. */
class GracefulStopTest {
  @Test
  void requestInFlightFinishesWhileNewOnesAreRefused() throws Exception {
    var s = TestServers.withoutModels(Map.of());
    byte[] body =
        new Http.Multipart()
            .text("prompt", "otter")
            .file("image", null, TestImages.png(64, 64))
            .text("model", "dall-e-2")
            .body();
    try (Socket socket = new Socket("127.0.0.1", s.server().port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/images/edits HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                  + Http.Multipart.contentType()
                  + "\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, 100);
      out.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (s.server().inFlight() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(s.server().inFlight()).isEqualTo(1);

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(s.server()::stop);
      Thread.sleep(200);
      assertThat(stopping).isNotDone();
      assertError(Http.get(s.url("/health")), 503, "server_error", null, "shutting_down");

      out.write(body, 100, body.length - 100);
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(response).isEqualTo("HTTP/1.1 503");
      stopping.get(10, TimeUnit.SECONDS);
    }
    assertThat(s.server().inFlight()).isZero();
  }
}
