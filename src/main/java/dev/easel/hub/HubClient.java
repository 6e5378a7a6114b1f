package dev.easel.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few Hugging Face Hub routes a pull needs: {@code GET
 * /api/models/REPO/revision/REV?blobs=true} (the commit and every file with its size and hashes)
 * and {@code GET /REPO/resolve/COMMIT/PATH} (the file, possibly through a redirect to a CDN; ranges
 * for resuming). The token is sent to the endpoint's own host only, never to the host a download is
 * redirected to.
 */
public final class HubClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REDIRECTS = 5;

  private final HubOptions options;
  private final HttpClient http;

  public HubClient(HubOptions options) {
    this.options = options;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(15))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public HubOptions options() {
    return options;
  }

  /** Resolves a revision to its commit and lists the files there. */
  public RepoInfo info(RepoRef ref) {
    URI uri =
        URI.create(
            options.endpoint()
                + "/api/models/"
                + ref.repo()
                + "/revision/"
                + URLEncoder.encode(ref.revision(), StandardCharsets.UTF_8)
                + "?blobs=true");
    HttpResponse<InputStream> response = send(uri, Optional.empty(), ref);
    JsonNode root;
    try (InputStream in = response.body()) {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new HubException(uri + " did not answer with JSON: " + e.getMessage(), e);
    }
    String sha = root.path("sha").asText("");
    if (!RepoRef.isCommit(sha)) {
      throw new HubException(uri + " did not say which commit " + ref + " is at (no 'sha')");
    }
    List<RemoteFile> files = new ArrayList<>();
    for (JsonNode s : root.path("siblings")) {
      String path = s.path("rfilename").asText("");
      if (path.isEmpty() || path.startsWith("/") || path.contains("..") || path.contains("\\")) {
        throw new HubException(uri + " lists an unsafe file name '" + path + "'");
      }
      JsonNode lfs = s.path("lfs");
      String sha256 = lfs.isObject() ? lfs.path("sha256").asText(null) : null;
      long size = lfs.isObject() ? lfs.path("size").asLong(-1) : s.path("size").asLong(-1);
      String blobId = s.path("blobId").asText(null);
      if (size < 0 || (sha256 == null && blobId == null)) {
        throw new HubException(
            uri
                + " gave no size or hash for '"
                + path
                + "' (the endpoint must support blobs=true)");
      }
      files.add(new RemoteFile(path, size, sha256, blobId));
    }
    return new RepoInfo(ref.repo(), sha, files);
  }

  /**
   * Opens a file's contents from byte {@code offset}. The response is 206 when the server honoured
   * the range, 200 when it sends the whole file.
   */
  public HttpResponse<InputStream> download(RepoRef ref, String commit, String path, long offset) {
    URI uri = URI.create(options.endpoint() + "/" + ref.repo() + "/resolve/" + commit + "/" + path);
    return send(uri, offset > 0 ? Optional.of("bytes=" + offset + "-") : Optional.empty(), ref);
  }

  private HttpResponse<InputStream> send(URI uri, Optional<String> range, RepoRef ref) {
    URI current = uri;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(current)
              .timeout(Duration.ofSeconds(60))
              .header("User-Agent", "easel (huggingface_hub-compatible)")
              .header("Accept-Encoding", "identity");
      range.ifPresent(r -> b.header("Range", r));
      if (options.token().isPresent() && sameHost(current, options.endpoint())) {
        b.header("Authorization", "Bearer " + options.token().get());
      }
      HttpResponse<InputStream> r;
      try {
        r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HubException("interrupted while contacting " + current.getHost(), e);
      } catch (IOException e) {
        throw unreachable(current, e);
      }
      int status = r.statusCode();
      if (status >= 300 && status < 400 && r.headers().firstValue("Location").isPresent()) {
        discard(r);
        current = current.resolve(r.headers().firstValue("Location").get());
        continue;
      }
      if (status == 200 || status == 206) {
        return r;
      }
      String body = errorBody(r);
      throw new HubException(explain(status, ref, body));
    }
    throw new HubException("too many redirects fetching " + uri);
  }

  private String explain(int status, RepoRef ref, String body) {
    String page = options.endpoint() + "/" + ref.repo();
    return switch (status) {
      case 401 ->
          options.token().isPresent()
              ? "the Hub refused the token for "
                  + ref.repo()
                  + " (401): check HF_TOKEN, and that the repository exists ("
                  + page
                  + ")"
              : ref.repo()
                  + " needs authentication (401): it is gated, private or does not exist. Set"
                  + " HF_TOKEN to an access token (https://huggingface.co/settings/tokens) and"
                  + " accept the model's license on "
                  + page;
      case 403 ->
          "access to "
              + ref.repo()
              + " is restricted (403): accept the model's license on "
              + page
              + " with the account of your HF_TOKEN"
              + (body.isEmpty() ? "" : " (" + body + ")");
      case 404 ->
          "not found on "
              + options.endpoint()
              + ": "
              + ref
              + (body.isEmpty() ? "" : " (" + body + ")");
      case 416 -> "the Hub refused the requested range for " + ref;
      case 429 -> "the Hub is rate-limiting this machine (429): wait a few minutes and try again";
      default ->
          "the Hub answered HTTP " + status + " for " + ref + (body.isEmpty() ? "" : ": " + body);
    };
  }

  private static String errorBody(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      String text = new String(in.readNBytes(2000), StandardCharsets.UTF_8).strip();
      if (text.startsWith("{")) {
        JsonNode n = JSON.readTree(text);
        if (n.path("error").isTextual()) {
          return n.get("error").asText();
        }
      }
      return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    } catch (IOException e) {
      return "";
    }
  }

  private static void discard(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the redirect's body is irrelevant
    }
  }

  private HubUnreachableException unreachable(URI uri, IOException e) {
    String why =
        e instanceof ConnectException
                || e instanceof HttpConnectTimeoutException
                || e.getCause() instanceof UnresolvedAddressException
                || e instanceof UnknownHostException
            ? "cannot connect"
            : e instanceof HttpTimeoutException ? "timed out" : "connection failed";
    return new HubUnreachableException(
        why
            + " to "
            + uri.getScheme()
            + "://"
            + uri.getAuthority()
            + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"),
        e);
  }

  private static boolean sameHost(URI a, URI b) {
    return a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && a.getPort() == b.getPort()
        && a.getScheme().equalsIgnoreCase(b.getScheme());
  }
}
