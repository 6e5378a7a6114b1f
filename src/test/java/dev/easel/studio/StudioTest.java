package dev.easel.studio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.api.ApiKeys;
import dev.easel.api.EaselServer;
import dev.easel.api.ModelDirectory;
import dev.easel.api.ServerOptions;
import dev.easel.config.Config;
import dev.easel.engine.ImageGenerator;
import dev.easel.engine.TinyModels;
import dev.easel.image.GenerationParameters;
import dev.easel.image.PngChunks;
import dev.easel.model.Architecture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The studio's page and JSON API on a real server with a real tiny model and an API key. */
class StudioTest {
  private static final String KEY = "sk-studio-test";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static EaselServer server;
  static ImageGenerator model;

  @BeforeAll
  static void start() {
    model = TinyModels.load(Architecture.TINY, false);
    Config config =
        Config.load(
            null,
            Map.of(),
            Map.of(
                "server.host", "127.0.0.1",
                "server.port", "0",
                "server.api-key-hashes", ApiKeys.hash(KEY),
                "store.dir", dir.resolve("store").toString(),
                "studio.dir", dir.resolve("studio").toString()));
    ServerOptions options = ServerOptions.from(config);
    ModelDirectory models = ModelDirectory.of(List.of(model));
    server = new EaselServer(options, models, Clock.systemUTC());
    server.extend(Studio.create(config, options, models)).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  record Response(int status, HttpResponse<byte[]> raw) {
    JsonNode json() throws IOException {
      return JSON.readTree(raw.body());
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    String text() {
      return new String(raw.body(), StandardCharsets.UTF_8);
    }
  }

  static Response send(String method, String path, String body, boolean withKey) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (withKey) {
      b.header("Authorization", "Bearer " + KEY);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Response(r.statusCode(), r);
  }

  static Response get(String path) throws Exception {
    return send("GET", path, null, true);
  }

  @Test
  void pageAndFilesAreServedWithoutAKeyAndOnlyFromTheStudioFolder() throws Exception {
    Response page = send("GET", "/", null, false);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'");
    assertThat(page.text())
        .contains("<title>Easel Studio</title>")
        .doesNotContain("http://", "https://");

    for (String file : List.of("app.js", "api.js", "editor.js", "history.js")) {
      Response js = send("GET", "/studio/" + file, null, false);
      assertThat(js.status()).as(file).isEqualTo(200);
      assertThat(js.header("Content-Type")).startsWith("text/javascript");
      assertThat(js.text())
          .as("works offline: nothing from other hosts")
          .doesNotContain("https://");
    }
    assertThat(send("GET", "/studio/studio.css", null, false).header("Content-Type"))
        .startsWith("text/css");
    assertThat(send("GET", "/studio/nothing.js", null, false).status()).isEqualTo(404);
    assertThat(send("GET", "/studio/..%2Fstudio%2FStudio.class", null, false).status())
        .isEqualTo(404);
  }

  @Test
  void theJsonApiNeedsTheKey() throws Exception {
    Response r = send("GET", "/studio/api/history", null, false);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().at("/error/message").asText()).contains("API key");
    assertThat(send("GET", "/studio/api/models/" + model.name(), null, false).status())
        .isEqualTo(401);
  }

  @Test
  void modelInfoGivesTheLocalModelsDefaultsForNamesAndAliases() throws Exception {
    JsonNode local = get("/studio/api/models/" + model.name()).json();
    assertThat(local.get("local_model").asText()).isEqualTo(model.name());
    assertThat(local.get("default_steps").asInt()).isEqualTo(model.capabilities().defaultSteps());
    assertThat(local.get("default_guidance").asDouble())
        .isEqualTo(model.capabilities().defaultGuidance());
    assertThat(local.get("free_sizes").asBoolean()).isTrue();
    assertThat(local.get("sizes").get(0).asText()).isEqualTo("64x64");
    assertThat(local.get("streaming").asBoolean()).isTrue();
    assertThat(local.get("schedulers").toString()).contains("euler_a");

    JsonNode dalle = get("/studio/api/models/dall-e-3").json();
    assertThat(dalle.get("local_model").asText()).isEqualTo(model.name());
    assertThat(dalle.get("max_n").asInt()).isEqualTo(1);
    assertThat(dalle.get("edits").asBoolean()).isFalse();
    assertThat(dalle.get("streaming").asBoolean()).isFalse();
    assertThat(dalle.get("sizes").get(0).asText()).isEqualTo("1024x1024");

    Response unknown = get("/studio/api/models/no-such-model");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().at("/error/code").asText()).isEqualTo("model_not_found");
  }

  @Test
  void historyRecordsListsServesAndDeletes() throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put(
        "image_b64", Base64.getEncoder().encodeToString(HistoryStoreTest.png(64, 64, Map.of())));
    body.put("mode", "generate");
    body.put("model", model.name());
    body.put("prompt", "an orange cat on a windowsill");
    body.put("seed", 1234);
    body.put("steps", 3);
    body.put("guidance_scale", 5.0);
    Response created = send("POST", "/studio/api/history", body.toString(), true);
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String id = created.json().get("id").asText();
    assertThat(created.json().at("/parameters/seed").asLong()).isEqualTo(1234);

    JsonNode found = get("/studio/api/history?q=CAT%20orange").json();
    assertThat(found.get("data")).hasSize(1);
    assertThat(found.at("/data/0/id").asText()).isEqualTo(id);
    assertThat(found.get("has_more").asBoolean()).isFalse();
    assertThat(get("/studio/api/history?q=dog").json().get("data")).isEmpty();

    Response image = get("/studio/api/history/" + id + "/image?download=1");
    assertThat(image.status()).isEqualTo(200);
    assertThat(image.header("Content-Type")).isEqualTo("image/png");
    assertThat(image.header("Content-Disposition")).contains("attachment", "1234.png");
    String infotext = PngChunks.textChunks(image.raw().body()).get("parameters");
    assertThat(GenerationParameters.parse(infotext).seed()).isEqualTo(1234);

    Response deleted = send("DELETE", "/studio/api/history/" + id, null, true);
    assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
    assertThat(get("/studio/api/history/" + id).status()).isEqualTo(404);
    assertThat(send("DELETE", "/studio/api/history/" + id, null, true).status()).isEqualTo(404);
  }

  @Test
  void badHistoryRequestsGetA400ThatSaysWhy() throws Exception {
    Response notJson = send("POST", "/studio/api/history", "{nope", true);
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json().at("/error/message").asText()).contains("not a history entry");

    Response noImage = send("POST", "/studio/api/history", "{\"mode\":\"generate\"}", true);
    assertThat(noImage.status()).isEqualTo(400);
    assertThat(noImage.json().at("/error/param").asText()).isEqualTo("image_b64");

    String badImage =
        "{\"image_b64\":\"aGVsbG8=\",\"mode\":\"generate\",\"model\":\"m\",\"seed\":1}";
    Response unreadable = send("POST", "/studio/api/history", badImage, true);
    assertThat(unreadable.status()).isEqualTo(400);
    assertThat(unreadable.json().at("/error/message").asText())
        .contains("the image cannot be read");

    assertThat(get("/studio/api/history?limit=0").status()).isEqualTo(400);
  }
}
