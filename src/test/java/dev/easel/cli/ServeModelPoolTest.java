package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.engine.StableDiffusionLoader;
import dev.easel.model.Architecture;
import dev.easel.model.RandomModel;
import dev.easel.model.safetensors.DType;
import dev.easel.testing.CliRun;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code easel serve} with {@code server.model-memory-mb}: models load on first use, LRU unload.
 */
class ServeModelPoolTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path a;
  Path b;

  /** Room for one of the two models, not both. */
  long budgetMb;

  @BeforeEach
  void twoModels() throws Exception {
    a = dir.resolve("a");
    b = dir.resolve("b");
    RandomModel.write(a, Architecture.TINY, false, 1, DType.F32, null);
    RandomModel.write(b, Architecture.TINY, false, 2, DType.F32, null);
    long bytes = StableDiffusionLoader.weightBytes(a);
    budgetMb = (bytes * 3 / 2 >> 20) + 1;
    assertThat(budgetMb << 20).isGreaterThan(bytes).isLessThan(2 * bytes);
  }

  /** {@code easel serve} of models a and b within a budget that holds one; dall-e-3 is b. */
  ServeRun serveBoth() {
    return ServeRun.start(
        "--set",
        "server.model-memory-mb=" + budgetMb,
        "--set",
        "server.max-generation-pixels=4096",
        "--set",
        "aliases.dall-e-3=b",
        "serve",
        "--port",
        "0",
        "--model",
        a.toString(),
        "--model",
        b.toString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  static List<String> loaded(ServeRun r) throws Exception {
    return JSON.convertValue(
        json(r.get("/health")).get("models"),
        JSON.getTypeFactory().constructCollectionType(List.class, String.class));
  }

  @Test
  void theFirstModelLoadsAtStartTheOthersOnFirstUseAndTheLeastRecentlyUsedMakesRoom()
      throws Exception {
    String request =
        "{\"model\":\"%s\",\"prompt\":\"a fox\",\"size\":\"1024x1024\",\"seed\":7,"
            + "\"response_format\":\"b64_json\"}";
    ServeRun r = serveBoth();
    String fromPool;
    try {
      assertThat(loaded(r)).containsExactly("a");
      assertThat(json(r.get("/health")).get("available").toString()).isEqualTo("[\"a\",\"b\"]");
      assertThat(json(r.get("/v1/models")).toString()).contains("\"id\":\"b\"");

      assertThat(r.generate(request.formatted("dall-e-3")).statusCode()).isEqualTo(200);
      assertThat(loaded(r)).containsExactly("b");
      assertThat(r.get("/metrics").body())
          .contains("easel_model_loaded{model=\"a\"} 0", "easel_model_loaded{model=\"b\"} 1");

      HttpResponse<String> back = r.generate(request.formatted("dall-e-2"));
      assertThat(back.statusCode()).isEqualTo(200);
      assertThat(loaded(r)).containsExactly("a");
      fromPool = json(back).at("/data/0/b64_json").asText();
    } finally {
      assertThat(r.stop()).isZero();
    }

    ServeRun eager =
        ServeRun.start(
            "--set",
            "server.max-generation-pixels=4096",
            "serve",
            "--port",
            "0",
            "--model",
            a.toString());
    try {
      HttpResponse<String> same = eager.generate(request.formatted("dall-e-2"));
      assertThat(json(same).at("/data/0/b64_json").asText()).isEqualTo(fromPool);
    } finally {
      assertThat(eager.stop()).isZero();
    }
  }

  @Test
  void aRequestTheModelCannotServeIsRefusedWithoutLoadingIt() throws Exception {
    ServeRun r = serveBoth();
    try {
      HttpResponse<String> refused =
          r.generate("{\"model\":\"b\",\"prompt\":\"x\",\"size\":\"65x64\"}");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(json(refused).at("/error/param").asText()).isEqualTo("size");
      assertThat(loaded(r)).containsExactly("a");
    } finally {
      assertThat(r.stop()).isZero();
    }
  }

  @Test
  void aModelThatFailsToLoadAnswers503AndTheOthersKeepServing() throws Exception {
    ServeRun r = serveBoth();
    try {
      try (Stream<Path> files = Files.list(b.resolve("unet"))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".safetensors")).toList()) {
          Files.write(f, new byte[] {1, 2, 3});
        }
      }
      HttpResponse<String> failed = r.generate("{\"model\":\"b\",\"prompt\":\"x\"}");
      assertThat(failed.statusCode()).isEqualTo(503);
      JsonNode error = json(failed).get("error");
      assertThat(error.get("code").asText()).isEqualTo("model_load_failed");
      assertThat(error.get("param").asText()).isEqualTo("model");
      assertThat(error.get("message").asText()).startsWith("The model 'b' could not be loaded: ");
      assertThat(r.generate("{\"model\":\"a\",\"prompt\":\"x\"}").statusCode()).isEqualTo(200);
    } finally {
      assertThat(r.stop()).isZero();
    }
  }

  @Test
  void aModelLargerThanTheBudgetIsRefusedBeforeAnythingLoads() {
    CliRun run =
        CliRun.of(
            "--set", "server.model-memory-mb=1", "serve", "--port", "0", "--model", a.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("server.model-memory-mb: model 'a' needs about", "more than the budget of 1 MB")
        .doesNotContain("\tat ");
  }
}
