package dev.easel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.config.Config;
import dev.easel.engine.Cancellation;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache as Python's huggingface_hub writes it, built by hand here and read back by Easel. */
class HubCacheTest {
  static final String REPO = "py-org/py-model";
  static final String OTHER_COMMIT = "fedcba9876543210fedcba9876543210fedcba98";

  @TempDir Path cache;
  @TempDir Path modelsDir;

  /** Writes the snapshot the way huggingface_hub does: blobs by etag, relative symlinks, refs. */
  static void writePythonSnapshot(Path cache, String repo, String commit, String ref)
      throws IOException {
    Path repoDir = cache.resolve("models--" + repo.replace("/", "--"));
    Path source = HubFixtures.repoFolder();
    List<Path> files;
    try (Stream<Path> s = Files.walk(source)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> !p.toString().contains("safety_checker"))
              .toList();
    }
    for (Path f : files) {
      String rel = source.relativize(f).toString().replace('\\', '/');
      byte[] data = Files.readAllBytes(f);
      Path blob = repoDir.resolve("blobs").resolve(FakeHub.etag(rel, data));
      Files.createDirectories(blob.getParent());
      Files.write(blob, data);
      Path link = repoDir.resolve("snapshots").resolve(commit).resolve(rel);
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, link.getParent().relativize(blob));
    }
    if (ref != null) {
      Files.createDirectories(repoDir.resolve("refs"));
      Files.writeString(repoDir.resolve("refs").resolve(ref), commit, StandardCharsets.UTF_8);
    }
  }

  Config config() {
    return HubFixtures.config(modelsDir, cache, "http://127.0.0.1:9", "aliases.dall-e-2", REPO);
  }

  @Test
  void aModelDownloadedByPythonToolsIsFoundAndRuns() throws IOException {
    writePythonSnapshot(cache, REPO, HubFixtures.COMMIT, "main");
    Path expected = cache.resolve("models--py-org--py-model/snapshots/" + HubFixtures.COMMIT);
    HubOptions hub = HubOptions.from(config(), java.util.Map.of());

    assertThat(ModelLocator.resolve(REPO, config(), hub)).isEqualTo(expected);
    assertThat(ModelLocator.resolve(REPO + "@" + HubFixtures.COMMIT, config(), hub))
        .isEqualTo(expected);
    assertThat(ModelLocator.resolve("py-model", config(), hub)).isEqualTo(expected);
    assertThat(ModelLocator.resolve("dall-e-2", config(), hub)).isEqualTo(expected);

    try (StableDiffusionPipeline p =
        StableDiffusionLoader.load(
            ModelLocator.resolve(REPO, config(), hub), new OnnxRuntimes(RuntimeOptions.cpu()), 1)) {
      assertThat(
              p.generate(ModelPullerTest.request(), ProgressListener.NONE, new Cancellation())
                  .images())
          .hasSize(1);
    }
  }

  @Test
  void pullingAModelPythonAlreadyDownloadedFetchesNothing() throws IOException {
    writePythonSnapshot(cache, REPO, HubFixtures.COMMIT, "main");
    try (FakeHub hub = new FakeHub()) {
      hub.host(REPO, HubFixtures.repoFolder(), HubFixtures.COMMIT, null);
      Path snap =
          new ModelPuller(HubFixtures.options(hub, cache), DownloadProgress.NONE)
              .pull(RepoRef.parse(REPO));
      assertThat(snap.resolve("unet/diffusion_pytorch_model.fp16.safetensors")).exists();
      assertThat(hub.downloads.get()).isZero();
    }
  }

  @Test
  void listsCachedAndModelsDirModelsWithArchitectureSizeAndAliases() throws IOException {
    writePythonSnapshot(cache, REPO, HubFixtures.COMMIT, "main");
    dev.easel.model.RandomModel.write(
        modelsDir.resolve("mine"),
        dev.easel.model.Architecture.TINY_XL,
        false,
        1,
        dev.easel.model.safetensors.DType.F32,
        null);
    List<LocalModels.LocalModel> models =
        new LocalModels(config(), HubOptions.from(config(), java.util.Map.of())).list();
    assertThat(models).extracting(LocalModels.LocalModel::name).containsExactly("mine", REPO);
    LocalModels.LocalModel cached = models.get(1);
    assertThat(cached.architecture()).isEqualTo("tiny");
    assertThat(cached.aliases()).containsExactly("dall-e-2");
    assertThat(cached.commit()).isEqualTo(HubFixtures.COMMIT);
    assertThat(cached.sizeBytes()).isGreaterThan(10_000);
    assertThat(models.get(0).architecture()).isEqualTo("tiny-xl");
    assertThat(models.get(0).aliases()).isEmpty();
  }

  @Test
  void removingASnapshotKeepsTheBlobsAnotherSnapshotShares() throws IOException {
    writePythonSnapshot(cache, REPO, HubFixtures.COMMIT, "main");
    writePythonSnapshot(cache, REPO, OTHER_COMMIT, "v1");
    Path repoDir = cache.resolve("models--py-org--py-model");
    Path stale = repoDir.resolve("blobs/only-in-old");
    Files.writeString(stale, "x");
    Files.createSymbolicLink(
        repoDir.resolve("snapshots/" + OTHER_COMMIT + "/extra.txt"),
        Path.of("../../blobs/only-in-old"));
    HubCache c = new HubCache(cache);
    long blobsBefore = Files.list(repoDir.resolve("blobs")).count();

    c.removeSnapshot(REPO, OTHER_COMMIT);

    assertThat(repoDir.resolve("snapshots/" + OTHER_COMMIT)).doesNotExist();
    assertThat(repoDir.resolve("refs/v1")).doesNotExist();
    assertThat(repoDir.resolve("refs/main")).exists();
    assertThat(stale).doesNotExist();
    assertThat(Files.list(repoDir.resolve("blobs")).count()).isEqualTo(blobsBefore - 1);
    assertThat(c.snapshot(REPO, "main")).isPresent();

    c.removeSnapshot(REPO, HubFixtures.COMMIT);
    assertThat(repoDir).doesNotExist();
  }
}
