package dev.easel.api;

import io.javalin.http.Context;
import java.nio.ByteBuffer;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;

/**
 * Notices a client that hung up while its request waits for a generation. Jetty does not read from
 * an HTTP/1 connection while a request is being handled, so a closed socket goes unnoticed; a
 * non-blocking read of the (otherwise idle) connection returns -1 once the client has closed it.
 */
final class ClientConnection {
  /** The client went away; nothing can be sent. */
  static final class GoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GoneException() {
      super("client disconnected", null, false, false);
    }
  }

  private ClientConnection() {}

  static boolean isGone(Context ctx) {
    try {
      ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
      HttpVersion version = request.getConnectionMetaData().getHttpVersion();
      if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
        return false;
      }
      EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
      if (!endPoint.isOpen()) {
        return true;
      }
      ByteBuffer probe = ByteBuffer.allocate(1);
      probe.flip();
      return endPoint.fill(probe) < 0;
    } catch (Exception e) {
      return true;
    }
  }
}
