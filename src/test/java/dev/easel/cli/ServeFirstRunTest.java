package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.hub.FakeHub;
import dev.easel.hub.HubFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code easel serve} with no model configured: pulls the default model, or starts without. */
class ServeFirstRunTest {
  @TempDir Path cache;
  @TempDir Path modelsDir;

  ServeRun serve(String endpoint, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--set", "hub.endpoint=" + endpoint,
                "--set", "hub.cache-dir=" + cache,
                "--set", "models.dir=" + modelsDir,
                "--set", "hub.default-model=tiny-org/tiny-sd"));
    args.addAll(List.of(extra));
    args.addAll(List.of("serve", "--port", "0"));
    return ServeRun.start(args.toArray(String[]::new));
  }

  @Test
  void pullsTheDefaultModelThenServesIt() throws Exception {
    try (FakeHub hub = new FakeHub()) {
      hub.host("tiny-org/tiny-sd", HubFixtures.repoFolder(), HubFixtures.COMMIT, null);
      ServeRun r = serve(hub.endpoint().toString());
      try {
        assertThat(r.get("/v1/models").body()).contains("\"id\":\"tiny-org/tiny-sd\"");
        assertThat(cache.resolve("models--tiny-org--tiny-sd/refs/main")).exists();
      } finally {
        assertThat(r.stop()).isZero();
      }
    }
  }

  @Test
  void offlineItSaysWhatIsMissingAndAnswers503() throws Exception {
    ServeRun r = serve("http://127.0.0.1:9", "--set", "hub.offline=true");
    try {
      assertThat(r.generate("{\"prompt\":\"a fox\"}").statusCode()).isEqualTo(503);
    } finally {
      assertThat(r.stop()).isZero();
    }
  }

  @Test
  void theDocumentedDefaultModelIsSdTurbo() {
    assertThat(dev.easel.config.Settings.HUB_DEFAULT_MODEL.defaultValue())
        .isEqualTo("stabilityai/sd-turbo");
  }
}
