package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.hub.FakeHub;
import dev.easel.hub.HubFixtures;
import dev.easel.model.Architecture;
import dev.easel.model.RandomModel;
import dev.easel.model.safetensors.DType;
import dev.easel.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullAndModelsCommandTest {
  static final String REPO = "tiny-org/tiny-sd";

  @TempDir Path cache;
  @TempDir Path modelsDir;
  @TempDir Path work;
  FakeHub hub;

  @BeforeEach
  void start() throws IOException {
    hub = new FakeHub();
    hub.host(REPO, HubFixtures.repoFolder(), HubFixtures.COMMIT, null);
    hub.host("gated-org/gated", HubFixtures.repoFolder(), HubFixtures.COMMIT, "hf_secret");
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  CliRun easel(String... args) {
    List<String> all = new ArrayList<>();
    all.addAll(
        List.of(
            "--set", "hub.endpoint=" + hub.endpoint(),
            "--set", "hub.cache-dir=" + cache,
            "--set", "models.dir=" + modelsDir));
    all.addAll(List.of(args));
    return CliRun.of(all.toArray(String[]::new));
  }

  @Test
  void pullDownloadsWithOneLinePerFileAndGenerateFindsTheModelByRepoId() {
    CliRun pull = easel("pull", REPO);
    assertThat(pull.exitCode()).as(pull.err()).isZero();
    assertThat(pull.out()).contains("pulled " + REPO + " to " + cache);
    assertThat(pull.err())
        .contains("pulling " + REPO)
        .contains("unet/diffusion_pytorch_model.fp16.safetensors")
        .contains("MB/s", "KB/s");

    Path out = work.resolve("fox.png");
    CliRun gen =
        easel(
            "generate",
            "a red fox",
            "--model",
            REPO,
            "--steps",
            "2",
            "--size",
            "64x64",
            "--seed",
            "1",
            "-o",
            out.toString());
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    assertThat(out).exists();
  }

  @Test
  void aGatedRepositorySaysToSetTheToken() {
    CliRun run = easel("pull", "gated-org/gated");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("HF_TOKEN", "accept the model's license", "401")
        .doesNotContain("\tat ");
  }

  @Test
  void offlineWithoutTheModelSaysWhatIsMissing() {
    CliRun run = easel("--set", "hub.offline=true", "pull", REPO);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(REPO + " is not in the cache", "--model");
    assertThat(hub.requests).isEmpty();
  }

  @Test
  void aBadRepositoryIdIsAUsageError() {
    CliRun run = easel("pull", "not a repo");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("ORG/NAME");
  }

  @Test
  void modelsListsAndRemovesLocalModels() throws IOException {
    assertThat(easel("models").out()).contains("no local models");
    assertThat(easel("pull", REPO).exitCode()).isZero();
    RandomModel.write(modelsDir.resolve("mine"), Architecture.TINY, false, 3, DType.F32, null);

    CliRun list = easel("--set", "aliases.dall-e-3=" + REPO, "models");
    assertThat(list.exitCode()).as(list.err()).isZero();
    String[] lines = list.out().split("\n");
    assertThat(lines[0]).contains("NAME", "ARCHITECTURE", "SIZE", "ALIASES", "LOCATION");
    assertThat(list.out()).containsPattern("mine +tiny +[0-9.]+ [KM]B +- +" + modelsDir);
    assertThat(list.out())
        .containsPattern(
            REPO
                + " +tiny +[0-9.]+ [KM]B +dall-e-3 +"
                + cache.resolve("models--tiny-org--tiny-sd"));

    CliRun refused = easel("--set", "aliases.dall-e-3=" + REPO, "models", "rm", REPO);
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("dall-e-3", "--force");
    assertThat(cache.resolve("models--tiny-org--tiny-sd")).exists();

    CliRun rm = easel("models", "rm", REPO);
    assertThat(rm.exitCode()).as(rm.err()).isZero();
    assertThat(rm.out()).contains("removed " + REPO);
    assertThat(cache.resolve("models--tiny-org--tiny-sd")).doesNotExist();

    assertThat(easel("models", "rm", "mine").exitCode()).isZero();
    assertThat(modelsDir.resolve("mine")).doesNotExist();

    CliRun unknown = easel("models", "rm", "nothing-here");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("no local model 'nothing-here'");
    assertThat(Files.exists(modelsDir)).isTrue();
  }

  @Test
  void modelsRmRefusesFoldersEaselDoesNotManage() throws IOException {
    Path elsewhere = work.resolve("elsewhere");
    RandomModel.write(elsewhere, Architecture.TINY, false, 3, DType.F32, null);
    CliRun run = easel("models", "rm", elsewhere.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("Easel removes only models it manages");
    assertThat(elsewhere).exists();
  }
}
