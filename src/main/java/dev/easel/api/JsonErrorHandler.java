package dev.easel.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers before a request reaches the API (a malformed request line, headers too
 * large, a request arriving while a stop waits for responses) in OpenAI's envelope, as JSON,
 * instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(
      Request request, Response response, int status, String message, Throwable cause, Callback c) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put("x-request-id", HttpResponses.newRequestId());
    response.getHeaders().put("openai-processing-ms", "0");
    response.getHeaders().put("openai-version", HttpResponses.OPENAI_VERSION);
    response.write(true, ByteBuffer.wrap(body(status, message)), c);
  }

  /** Jetty answers 503 itself only while it stops (its GracefulHandler, then the server). */
  private static byte[] body(int status, String message) {
    if (status == HttpStatus.SERVICE_UNAVAILABLE_503) {
      return HttpResponses.bytes(ImageResponses.error(ApiException.shuttingDown()));
    }
    String text = message == null ? HttpStatus.getMessage(status) : message;
    String type = status >= 500 ? "server_error" : "invalid_request_error";
    return HttpResponses.bytes(ImageResponses.error(text, type, null, null));
  }
}
