package dev.easel.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFolderTest {
  @TempDir Path dir;

  private Path model(Path folder) throws Exception {
    Files.createDirectories(folder);
    Files.writeString(
        folder.resolve("model_index.json"), "{\"_class_name\":\"StableDiffusionPipeline\"}");
    return folder;
  }

  @Test
  void aPlainFolderIsNamedAfterItself() throws Exception {
    assertThat(ModelFolder.open(model(dir.resolve("my-model"))).name()).isEqualTo("my-model");
  }

  @Test
  void aHuggingFaceCacheSnapshotIsNamedAfterItsRepository() throws Exception {
    Path snapshot =
        model(
            dir.resolve(
                "models--stabilityai--sd-turbo/snapshots/b261bac6fd2cf515557d5d0707481eafa0485ec2"));
    assertThat(ModelFolder.open(snapshot).name()).isEqualTo("stabilityai/sd-turbo");
  }

  @Test
  void aFolderWithoutModelIndexIsRefusedByName() {
    assertThatThrownBy(() -> ModelFolder.open(dir))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model_index.json");
  }
}
