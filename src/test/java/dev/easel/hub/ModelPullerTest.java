package dev.easel.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.engine.Cancellation;
import dev.easel.engine.GenerationRequest;
import dev.easel.engine.GenerationResult;
import dev.easel.engine.ProgressListener;
import dev.easel.engine.StableDiffusionLoader;
import dev.easel.engine.StableDiffusionPipeline;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPullerTest {
  static final String REPO = "tiny-org/tiny-sd";
  static final String UNET_FP16 = "unet/diffusion_pytorch_model.fp16.safetensors";

  @TempDir Path cache;
  FakeHub hub;
  HubCache layout;

  @BeforeEach
  void start() throws IOException {
    hub = new FakeHub();
    hub.host(REPO, HubFixtures.repoFolder(), HubFixtures.COMMIT, null);
    layout = new HubCache(cache);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  ModelPuller puller(HubOptions options) {
    return new ModelPuller(options, DownloadProgress.NONE);
  }

  Path pull() {
    return puller(HubFixtures.options(hub, cache)).pull(RepoRef.parse(REPO));
  }

  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !Files.isDirectory(p))
          .map(p -> dir.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  @Test
  void pullsOnlyWhatEaselLoadsIntoThePythonCacheLayoutAndTheModelRuns() throws IOException {
    Path snapshot = pull();

    Path repoDir = cache.resolve("models--tiny-org--tiny-sd");
    assertThat(snapshot).isEqualTo(repoDir.resolve("snapshots").resolve(HubFixtures.COMMIT));
    assertThat(Files.readString(repoDir.resolve("refs/main"), StandardCharsets.UTF_8))
        .isEqualTo(HubFixtures.COMMIT);
    assertThat(files(snapshot))
        .containsExactly(
            "model_index.json",
            "scheduler/scheduler_config.json",
            "text_encoder/config.json",
            "text_encoder/model.fp16.safetensors",
            "tokenizer/merges.txt",
            "tokenizer/special_tokens_map.json",
            "tokenizer/tokenizer_config.json",
            "tokenizer/vocab.json",
            "unet/config.json",
            UNET_FP16,
            "vae/config.json",
            "vae/diffusion_pytorch_model.fp16.safetensors");
    Path unet = snapshot.resolve(UNET_FP16);
    byte[] original = Files.readAllBytes(HubFixtures.repoFolder().resolve(UNET_FP16));
    assertThat(Files.isSymbolicLink(unet)).isTrue();
    assertThat(Files.readSymbolicLink(unet).toString())
        .isEqualTo("../../../blobs/" + FakeHub.sha256(original));
    assertThat(Files.readAllBytes(unet)).isEqualTo(original);
    byte[] config = Files.readAllBytes(HubFixtures.repoFolder().resolve("unet/config.json"));
    assertThat(repoDir.resolve("blobs").resolve(FakeHub.gitBlobId(config))).exists();
    assertThat(files(repoDir.resolve("blobs"))).noneMatch(f -> f.endsWith(".incomplete"));

    try (StableDiffusionPipeline p =
        StableDiffusionLoader.load(snapshot, new OnnxRuntimes(RuntimeOptions.cpu()), 1)) {
      GenerationResult r = p.generate(request(), ProgressListener.NONE, new Cancellation());
      assertThat(r.images()).hasSize(1);
      assertThat(r.images().get(0).image().width()).isEqualTo(64);
    }
  }

  static GenerationRequest request() {
    return new GenerationRequest(
        GenerationRequest.Mode.TEXT_TO_IMAGE,
        "a red fox",
        null,
        64,
        64,
        1,
        7L,
        2,
        null,
        null,
        null,
        List.of(),
        null,
        0);
  }

  @Test
  void aSecondPullDownloadsNothing() {
    pull();
    int before = hub.downloads.get();
    pull();
    assertThat(hub.downloads.get()).isEqualTo(before);
  }

  @Test
  void resumesWhereADroppedConnectionLeftOff() throws IOException {
    long size = Files.size(HubFixtures.repoFolder().resolve(UNET_FP16));
    hub.dropConnection(UNET_FP16, 1000, 3);
    assertThatThrownBy(this::pull)
        .isInstanceOf(HubException.class)
        .hasMessageContaining(UNET_FP16)
        .hasMessageContaining("run the same command again to resume");
    String etag = FakeHub.sha256(Files.readAllBytes(HubFixtures.repoFolder().resolve(UNET_FP16)));
    Path partial = layout.incomplete(REPO, etag);
    assertThat(partial).hasSize(3000);
    assertThat(layout.blob(REPO, etag)).doesNotExist();
    assertThat(layout.repoDir(REPO).resolve("refs/main")).doesNotExist();
    assertThat(hub.requests)
        .anyMatch(r -> r.endsWith("bytes=1000-"))
        .anyMatch(r -> r.endsWith("bytes=2000-"));

    hub.requests.clear();
    Path snapshot = pull();
    assertThat(hub.requests).anyMatch(r -> r.endsWith(" bytes=3000-"));
    assertThat(snapshot.resolve(UNET_FP16)).hasSize(size);
    assertThat(partial).doesNotExist();
  }

  @Test
  void aFileThatDoesNotMatchItsHashIsRejectedAndNothingIsLeft() throws IOException {
    hub.corrupt(UNET_FP16, true);
    assertThatThrownBy(this::pull)
        .isInstanceOf(HubException.class)
        .hasMessageContaining(UNET_FP16)
        .hasMessageContaining("does not match");
    String etag = FakeHub.sha256(Files.readAllBytes(HubFixtures.repoFolder().resolve(UNET_FP16)));
    assertThat(layout.blob(REPO, etag)).doesNotExist();
    assertThat(layout.incomplete(REPO, etag)).doesNotExist();
    assertThat(layout.snapshotDir(REPO, HubFixtures.COMMIT).resolve(UNET_FP16)).doesNotExist();
    assertThat(layout.snapshot(REPO, "main")).isEmpty();
  }

  @Test
  void aGatedRepositoryNeedsTheToken() throws IOException {
    hub.host("gated-org/gated", HubFixtures.repoFolder(), HubFixtures.COMMIT, "hf_secret");
    RepoRef ref = RepoRef.parse("gated-org/gated");
    assertThatThrownBy(() -> puller(HubFixtures.options(hub, cache)).pull(ref))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("401")
        .hasMessageContaining("HF_TOKEN")
        .hasMessageContaining("accept the model's license");
    assertThatThrownBy(
            () -> puller(HubFixtures.options(hub, cache).withToken("hf_wrong")).pull(ref))
        .hasMessageContaining("403");

    hub.requests.clear();
    Path snapshot = puller(HubFixtures.options(hub, cache).withToken("hf_secret")).pull(ref);
    assertThat(snapshot.resolve(UNET_FP16)).exists();
    assertThat(hub.requests)
        .filteredOn(r -> r.contains("gated-org/gated"))
        .isNotEmpty()
        .allMatch(r -> r.endsWith(" auth"));
  }

  @Test
  void theTokenComesFromHfTokenOrTheLoginFile(@TempDir Path home) throws IOException {
    var config = HubFixtures.config(home, cache, "");
    HubOptions fromEnv =
        HubOptions.from(config, java.util.Map.of("HF_TOKEN", "hf_env", "HF_HOME", home.toString()));
    assertThat(fromEnv.token()).contains("hf_env");
    Files.writeString(home.resolve("token"), "hf_file\n");
    HubOptions fromFile = HubOptions.from(config, java.util.Map.of("HF_HOME", home.toString()));
    assertThat(fromFile.token()).contains("hf_file");
    assertThat(fromFile.toString()).doesNotContain("hf_file");
  }

  @Test
  void offlineUsesOnlyTheCache() {
    Path pulled = pull();
    hub.close();
    hub.requests.clear();
    HubOptions offline = HubFixtures.options(hub, cache).withOffline(true);
    assertThat(puller(offline).pull(RepoRef.parse(REPO))).isEqualTo(pulled);
    assertThat(hub.requests).isEmpty();
    assertThatThrownBy(() -> puller(offline).pull(RepoRef.parse("other-org/other")))
        .isInstanceOf(HubUnreachableException.class)
        .hasMessageContaining("offline")
        .hasMessageContaining("other-org/other is not in the cache")
        .hasMessageContaining("on a connected machine")
        .hasMessageContaining("point --model at");
  }

  @Test
  void anUnreachableHubFallsBackToTheCache() {
    Path pulled = pull();
    hub.close();
    assertThat(pull()).isEqualTo(pulled);
    assertThatThrownBy(
            () -> puller(HubFixtures.options(hub, cache)).pull(RepoRef.parse("other-org/other")))
        .isInstanceOf(HubUnreachableException.class)
        .hasMessageContaining("cannot connect")
        .hasMessageContaining("copy its models--other-org--other folder");
  }

  @Test
  void aRepositoryWithoutModelIndexIsNotADiffusersModel(@TempDir Path single) throws IOException {
    Files.write(single.resolve("model.safetensors"), new byte[64]);
    hub.host("single-org/checkpoint", single, HubFixtures.COMMIT, null);
    assertThatThrownBy(
            () ->
                puller(HubFixtures.options(hub, cache))
                    .pull(RepoRef.parse("single-org/checkpoint")))
        .hasMessageContaining("no model_index.json")
        .hasMessageContaining("easel import");
  }

  @Test
  void anUnknownRevisionIsReportedByName() {
    assertThatThrownBy(
            () -> puller(HubFixtures.options(hub, cache)).pull(RepoRef.parse(REPO + "@v9")))
        .hasMessageContaining("not found")
        .hasMessageContaining(REPO + "@v9");
  }
}
