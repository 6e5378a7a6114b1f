package dev.easel.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A local stand-in for the Hugging Face Hub, implementing the routes Easel's client uses with the
 * Hub's real response shapes: {@code GET /api/models/REPO/revision/REV?blobs=true} and {@code GET
 * /REPO/resolve/REV/PATH} (LFS files through a 302 to a CDN path, byte ranges, 401 for gated
 * repos). Serves real files from a folder; faults can be injected per file.
 */
public final class FakeHub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One hosted repository: its commit and files (path to content). */
  public record Repo(String id, String commit, Map<String, byte[]> files, String token) {}

  private final HttpServer server;
  private final Map<String, Repo> repos = new ConcurrentHashMap<>();
  private final Map<String, Integer> dropsLeft = new ConcurrentHashMap<>();
  private final Map<String, Long> dropAfter = new ConcurrentHashMap<>();
  private final Map<String, Boolean> corrupt = new ConcurrentHashMap<>();
  public final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  public final AtomicInteger downloads = new AtomicInteger();

  public FakeHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Hosts every file under {@code folder} as repository {@code id} at {@code commit}. */
  public Repo host(String id, Path folder, String commit, String token) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(folder)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        files.put(folder.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    Repo r = new Repo(id, commit, files, token);
    repos.put(id, r);
    return r;
  }

  /** The next {@code times} downloads of {@code path} stop after {@code bytes} bytes. */
  public void dropConnection(String path, long bytes, int times) {
    dropAfter.put(path, bytes);
    dropsLeft.put(path, times);
  }

  /** Serves {@code path} with one byte changed (its listed hash stays the original's). */
  public void corrupt(String path, boolean on) {
    corrupt.put(path, on);
  }

  /** Files served as Git LFS objects (sha256-named in the cache), as the Hub does for weights. */
  public static boolean isLfs(String path) {
    return path.endsWith(".safetensors") || path.endsWith(".bin") || path.endsWith(".ckpt");
  }

  public static String sha256(byte[] data) {
    return hex("SHA-256", new byte[0], data);
  }

  public static String gitBlobId(byte[] data) {
    return hex("SHA-1", ("blob " + data.length + "\0").getBytes(StandardCharsets.US_ASCII), data);
  }

  public static String etag(String path, byte[] data) {
    return isLfs(path) ? sha256(data) : gitBlobId(data);
  }

  private static String hex(String algorithm, byte[] prefix, byte[] data) {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm);
      md.update(prefix);
      return HexFormat.of().formatHex(md.digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String range = ex.getRequestHeaders().getFirst("Range");
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      requests.add(
          ex.getRequestMethod()
              + " "
              + path
              + (range == null ? "" : " " + range)
              + (auth == null ? "" : " auth"));
      if (path.startsWith("/api/models/")) {
        api(ex, path.substring("/api/models/".length()), auth);
      } else if (path.startsWith("/cdn/")) {
        cdn(ex, path.substring("/cdn/".length()), range);
      } else {
        resolve(ex, path.substring(1), auth);
      }
    }
  }

  private Repo repoFor(String rest) {
    for (Repo r : repos.values()) {
      if (rest.startsWith(r.id() + "/")) {
        return r;
      }
    }
    return null;
  }

  private boolean authorized(HttpExchange ex, Repo r, String auth) throws IOException {
    if (r.token() == null) {
      return true;
    }
    if (auth == null) {
      error(ex, 401, "Access to model " + r.id() + " is restricted. You must be authenticated.");
      return false;
    }
    if (!auth.equals("Bearer " + r.token())) {
      error(ex, 403, "Access to model " + r.id() + " is restricted.");
      return false;
    }
    return true;
  }

  private void api(HttpExchange ex, String rest, String auth) throws IOException {
    Repo r = repoFor(rest);
    if (r == null) {
      error(ex, 401, "Repository Not Found");
      return;
    }
    if (!authorized(ex, r, auth)) {
      return;
    }
    String tail = rest.substring(r.id().length() + 1);
    if (!tail.equals("revision/main") && !tail.equals("revision/" + r.commit())) {
      error(ex, 404, "Invalid rev id: " + tail);
      return;
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("_id", "0123");
    root.put("id", r.id());
    root.put("modelId", r.id());
    root.put("sha", r.commit());
    root.put("private", false);
    root.put("gated", r.token() != null ? "manual" : "false");
    root.put("library_name", "diffusers");
    ArrayNode siblings = root.putArray("siblings");
    r.files()
        .forEach(
            (p, data) -> {
              ObjectNode s = siblings.addObject();
              s.put("rfilename", p);
              s.put("blobId", gitBlobId(data));
              s.put("size", data.length);
              if (isLfs(p)) {
                ObjectNode lfs = s.putObject("lfs");
                lfs.put("sha256", sha256(data));
                lfs.put("size", data.length);
                lfs.put("pointerSize", 134);
              }
            });
    byte[] body = JSON.writeValueAsBytes(root);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
  }

  private void resolve(HttpExchange ex, String rest, String auth) throws IOException {
    Repo r = repoFor(rest);
    if (r == null) {
      error(ex, 401, "Repository Not Found");
      return;
    }
    if (!authorized(ex, r, auth)) {
      return;
    }
    String tail = rest.substring(r.id().length() + 1);
    String prefix = "resolve/" + r.commit() + "/";
    if (!tail.startsWith(prefix)) {
      error(ex, 404, "Revision Not Found");
      return;
    }
    String file = tail.substring(prefix.length());
    byte[] data = r.files().get(file);
    if (data == null) {
      error(ex, 404, "Entry Not Found");
      return;
    }
    ex.getResponseHeaders().set("X-Repo-Commit", r.commit());
    if (isLfs(file)) {
      ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha256(data) + "\"");
      ex.getResponseHeaders().set("X-Linked-Size", String.valueOf(data.length));
      ex.getResponseHeaders()
          .set("Location", "/cdn/" + r.id().replace('/', '_') + "/" + file.replace('/', '!'));
      ex.sendResponseHeaders(302, -1);
      return;
    }
    ex.getResponseHeaders().set("ETag", "\"" + gitBlobId(data) + "\"");
    send(ex, file, data, ex.getRequestHeaders().getFirst("Range"));
  }

  private void cdn(HttpExchange ex, String rest, String range) throws IOException {
    int slash = rest.indexOf('/');
    Repo r = repos.get(rest.substring(0, slash).replace('_', '/'));
    String file = rest.substring(slash + 1).replace('!', '/');
    send(ex, file, r.files().get(file), range);
  }

  private void send(HttpExchange ex, String file, byte[] data, String range) throws IOException {
    downloads.incrementAndGet();
    byte[] content = data;
    if (corrupt.getOrDefault(file, false)) {
      content = data.clone();
      content[content.length / 2] ^= 0x5a;
    }
    int from = 0;
    if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
      from = Integer.parseInt(range.substring(6, range.length() - 1));
      if (from >= content.length) {
        ex.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
        ex.sendResponseHeaders(416, -1);
        return;
      }
      ex.getResponseHeaders()
          .set(
              "Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
      ex.sendResponseHeaders(206, content.length - from);
    } else {
      ex.sendResponseHeaders(200, content.length);
    }
    OutputStream out = ex.getResponseBody();
    int left = dropsLeft.getOrDefault(file, 0);
    if (left > 0) {
      dropsLeft.put(file, left - 1);
      int n = (int) Math.min(dropAfter.get(file), content.length - from);
      out.write(content, from, n);
      out.flush();
      throw new IOException("fake hub drops the connection after " + n + " bytes");
    }
    out.write(content, from, content.length - from);
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    byte[] body = JSON.writeValueAsBytes(Map.of("error", message));
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.getResponseHeaders().set("X-Error-Message", message);
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
