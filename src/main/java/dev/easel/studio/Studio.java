package dev.easel.studio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.api.AliasMap;
import dev.easel.api.ApiException;
import dev.easel.api.ApiKeys;
import dev.easel.api.ModelDirectory;
import dev.easel.api.ServerOptions;
import dev.easel.config.Config;
import dev.easel.config.Settings;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * Easel Studio: the web page at {@code /} and its small JSON API under {@code /studio/api/}. The
 * page itself talks to the OpenAI endpoints like any other client; this class only serves its
 * files, tells it a model's defaults, and keeps the history. Requests to {@code /studio/api/} need
 * the same API key as {@code /v1/} when keys are configured.
 *
 * <ul>
 *   <li>{@code GET /studio/api/models/{id}}: a {@link ModelInfo} for a name from {@code /v1/models}
 *   <li>{@code GET /studio/api/history?q=&offset=&limit=}: {@code {"object":"list", "data":
 *       [entries, newest first], "has_more"}}; {@code q} keeps entries whose prompt has every word
 *   <li>{@code POST /studio/api/history} (JSON: {@code image_b64} and the {@link
 *       HistoryEntry.Parameters} fields in snake case): records one image, answers 201 and the
 *       entry
 *   <li>{@code GET /studio/api/history/{id}}: one entry
 *   <li>{@code GET /studio/api/history/{id}/image[?download=1]}: its PNG, with the {@code
 *       parameters} text chunk
 *   <li>{@code DELETE /studio/api/history/{id}}: removes it
 * </ul>
 */
public final class Studio implements Consumer<RoutesConfig> {
  private static final String CSP =
      "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none';"
          + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final int MAX_LIMIT = 200;

  private final HistoryStore history;
  private final ApiKeys keys;
  private final ModelDirectory models;
  private final AliasMap aliases;
  private final StudioAssets assets = new StudioAssets();

  public Studio(HistoryStore history, ApiKeys keys, ModelDirectory models, AliasMap aliases) {
    this.history = history;
    this.keys = keys;
    this.models = models;
    this.aliases = aliases;
  }

  /** The studio for a server: its history in {@code studio.dir}, the server's keys and models. */
  public static Studio create(Config config, ServerOptions options, ModelDirectory models) {
    return new Studio(
        HistoryStore.open(historyDir(config), Clock.systemUTC()),
        new ApiKeys(options.apiKeyHashes()),
        models,
        options.aliases());
  }

  /** {@code studio.dir}, or {@code ~/.local/share/easel/studio} when it is empty. */
  public static Path historyDir(Config config) {
    String dir = config.get(Settings.STUDIO_DIR);
    return dir.isEmpty()
        ? Path.of(System.getProperty("user.home"), ".local", "share", "easel", "studio")
        : Path.of(dir);
  }

  public HistoryStore history() {
    return history;
  }

  @Override
  public void accept(RoutesConfig routes) {
    routes.get("/", ctx -> asset(ctx, "index.html"));
    routes.get("/studio/{asset}", ctx -> asset(ctx, ctx.pathParam("asset")));
    routes.before("/studio/api/*", ctx -> keys.authenticate(ctx.header("Authorization")));
    routes.get("/studio/api/models/{id}", this::model);
    routes.get("/studio/api/history", this::list);
    routes.post("/studio/api/history", this::add);
    routes.get(
        "/studio/api/history/{id}",
        ctx -> json(ctx, 200, HistoryStore.JSON.valueToTree(entry(ctx))));
    routes.get("/studio/api/history/{id}/image", this::image);
    routes.delete("/studio/api/history/{id}", this::delete);
  }

  private void asset(Context ctx, String name) {
    StudioAssets.Asset asset =
        assets.get(name).orElseThrow(() -> notFound("There is no studio file '" + name + "'."));
    ctx.contentType(asset.contentType());
    ctx.header("Cache-Control", "no-cache");
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.result(asset.bytes());
  }

  private void model(Context ctx) {
    String id = ctx.pathParam("id");
    ModelInfo info =
        ModelInfo.of(id, models, aliases)
            .orElseThrow(
                () ->
                    ApiException.of(
                        ApiException.Kind.NOT_FOUND,
                        "No loaded model answers to '" + id + "'.",
                        "model",
                        "model_not_found"));
    json(ctx, 200, HistoryStore.JSON.valueToTree(info));
  }

  private void list(Context ctx) {
    int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    int limit = intParam(ctx, "limit", 50, 1, MAX_LIMIT);
    List<HistoryEntry> found = history.search(ctx.queryParam("q"), offset, limit + 1);
    ObjectNode body = HistoryStore.JSON.createObjectNode();
    body.put("object", "list");
    body.set(
        "data", HistoryStore.JSON.valueToTree(found.subList(0, Math.min(limit, found.size()))));
    body.put("has_more", found.size() > limit);
    json(ctx, 200, body);
  }

  private static int intParam(Context ctx, String name, int absent, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return absent;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.invalid(
        "'" + name + "' must be a whole number between " + min + " and " + max + ".",
        name,
        "invalid_value");
  }

  /** The body of {@code POST /studio/api/history}. */
  private record NewEntry(
      String imageB64,
      String mode,
      String model,
      String prompt,
      String negativePrompt,
      Long seed,
      Integer steps,
      Double guidanceScale,
      String scheduler,
      String source) {}

  private void add(Context ctx) {
    NewEntry body;
    try {
      body = HistoryStore.JSON.readValue(ctx.bodyAsBytes(), NewEntry.class);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw ApiException.invalid("The body is not a history entry: " + why, null, "invalid_json");
    }
    if (body == null || body.imageB64() == null || body.imageB64().isEmpty()) {
      throw ApiException.missing("image_b64");
    }
    if (body.seed() == null) {
      throw ApiException.missing("seed");
    }
    byte[] image;
    try {
      image = Base64.getDecoder().decode(body.imageB64());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("'image_b64' is not base64.", "image_b64", "invalid_value");
    }
    HistoryEntry.Parameters parameters =
        new HistoryEntry.Parameters(
            body.mode(),
            body.model(),
            body.prompt() == null ? "" : body.prompt(),
            body.negativePrompt() == null || body.negativePrompt().isBlank()
                ? null
                : body.negativePrompt(),
            body.seed(),
            body.steps(),
            body.guidanceScale(),
            body.scheduler() == null || body.scheduler().isBlank() ? null : body.scheduler(),
            body.source());
    HistoryEntry entry;
    try {
      entry = history.add(parameters, image);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(
          "Cannot record this image: " + e.getMessage(), null, "invalid_value");
    }
    json(ctx, 201, HistoryStore.JSON.valueToTree(entry));
  }

  private HistoryEntry entry(Context ctx) {
    String id = ctx.pathParam("id");
    return history.get(id).orElseThrow(() -> notFound("There is no history entry '" + id + "'."));
  }

  private void image(Context ctx) {
    HistoryEntry entry = entry(ctx);
    byte[] png;
    try {
      png = Files.readAllBytes(history.imageFile(entry.id()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ctx.contentType("image/png");
    ctx.header("Cache-Control", "private, max-age=31536000, immutable");
    if (ctx.queryParam("download") != null) {
      ctx.header(
          "Content-Disposition",
          "attachment; filename=\"easel-"
              + entry.id()
              + "-"
              + entry.parameters().seed()
              + ".png\"");
    }
    ctx.result(png);
  }

  private void delete(Context ctx) {
    String id = ctx.pathParam("id");
    if (!history.delete(id)) {
      throw notFound("There is no history entry '" + id + "'.");
    }
    ObjectNode body = HistoryStore.JSON.createObjectNode();
    body.put("id", id);
    body.put("object", "studio.history.deleted");
    body.put("deleted", true);
    json(ctx, 200, body);
  }

  private static ApiException notFound(String message) {
    return ApiException.of(ApiException.Kind.NOT_FOUND, message, null, "not_found");
  }

  private static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(body.toString().getBytes(StandardCharsets.UTF_8));
  }
}
