package dev.easel.hub;

import dev.easel.config.Config;
import dev.easel.model.Architecture;
import dev.easel.model.RandomModel;
import dev.easel.model.safetensors.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A tiny random model laid out like a real Hub repository: fp32 and fp16 weights side by side,
 * pickled copies, a single-file checkpoint at the top, a safety checker and a README, so that a
 * pull has to choose.
 */
public final class HubFixtures {
  public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static Path repo;

  private HubFixtures() {}

  /** The repository folder (written once per JVM). */
  public static synchronized Path repoFolder() {
    if (repo == null) {
      try {
        Path tmp = Files.createTempDirectory("easel-hub-repo");
        Path dir = tmp.resolve("repo");
        RandomModel.write(dir, Architecture.TINY, false, 77, DType.F32, null);
        Path fp16 = tmp.resolve("fp16");
        RandomModel.write(fp16, Architecture.TINY, false, 77, DType.F16, null);
        try (Stream<Path> s = Files.walk(fp16)) {
          for (Path p : s.filter(f -> f.toString().endsWith(".fp16.safetensors")).toList()) {
            Files.copy(p, dir.resolve(fp16.relativize(p)));
          }
        }
        Files.writeString(dir.resolve("README.md"), "---\nlicense: other\n---\n# tiny\n");
        Files.write(dir.resolve("tiny-pruned.ckpt"), new byte[300]);
        Files.write(dir.resolve("unet/diffusion_pytorch_model.bin"), new byte[200]);
        Files.createDirectories(dir.resolve("safety_checker"));
        Files.writeString(dir.resolve("safety_checker/config.json"), "{}");
        Files.write(dir.resolve("safety_checker/model.safetensors"), new byte[100]);
        String index = Files.readString(dir.resolve("model_index.json"), StandardCharsets.UTF_8);
        Files.writeString(
            dir.resolve("model_index.json"),
            index.replaceFirst(
                "\\{",
                "{\n  \"safety_checker\": [\"stable_diffusion\", \"StableDiffusionSafetyChecker\"],"
                    + "\n  \"feature_extractor\": [null, null],"));
        repo = dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return repo;
  }

  /** Options for a test: the fake hub's endpoint, a private cache folder, no token, online. */
  public static HubOptions options(FakeHub hub, Path cache) {
    return new HubOptions(hub.endpoint(), cache, java.util.Optional.empty(), false);
  }

  /** A configuration whose models.dir and hub keys point into the test's folders. */
  public static Config config(Path modelsDir, Path cache, String endpoint, String... more) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("models.dir", modelsDir.toString());
    flags.put("hub.cache-dir", cache.toString());
    flags.put("hub.endpoint", endpoint);
    for (int i = 0; i + 1 < more.length; i += 2) {
      flags.put(more[i], more[i + 1]);
    }
    return Config.load(null, Map.of(), flags);
  }
}
