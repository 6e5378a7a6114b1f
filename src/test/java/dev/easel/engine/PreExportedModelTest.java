package dev.easel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import dev.easel.model.Architecture;
import dev.easel.model.ComponentLoader;
import dev.easel.model.export.ModelExporter;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A whole model exported to ONNX files loads back and generates what the original folder does. */
class PreExportedModelTest {

  @ParameterizedTest
  @EnumSource(
      value = Architecture.class,
      names = {"TINY", "TINY_XL"})
  void anExportedModelGeneratesTheSameImages(Architecture arch, @TempDir Path tmp)
      throws Exception {
    Path original = TinyModels.folder(arch, false);
    Path exported = tmp.resolve("onnx");
    List<String> written = new ArrayList<>();
    ModelExporter.export(original, exported, Set.of(), w -> written.add(w.name()));
    List<String> models =
        new ArrayList<>(List.of("unet", "text_encoder", "vae_encoder", "vae_decoder"));
    if (arch.isXl()) {
      models.add("text_encoder_2");
    }
    for (String m : models) {
      assertThat(ComponentLoader.isPreExported(exported.resolve(m))).as(m).isTrue();
      try (InputStream in = Files.newInputStream(exported.resolve(m).resolve("model.onnx"))) {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(in);
        assertThat(model.getGraph().getNodeList())
            .as("%s uses standard ONNX operators only, for other runtimes", m)
            .allSatisfy(n -> assertThat(n.getDomain()).isEmpty());
        assertThat(model.getOpsetImportList()).extracting(o -> o.getDomain()).containsOnly("");
      }
    }
    assertThat(written).containsAll(models);
    assertThat(exported.resolve("vae")).doesNotExist();

    Requests request = Requests.textToImage().n(2).guidance(5.0).seed(4L);
    GenerationResult expected;
    try (StableDiffusionPipeline p = TinyModels.load(original, 4)) {
      expected = p.generate(request.build(), ProgressListener.NONE, new Cancellation());
    }
    try (StableDiffusionPipeline p = TinyModels.load(exported, 4)) {
      assertThat(p.capabilities().architecture()).isEqualTo(arch.id());
      GenerationResult actual =
          p.generate(request.build(), ProgressListener.NONE, new Cancellation());
      for (int k = 0; k < 2; k++) {
        assertThat(
                Pictures.maxDifference(
                    actual.images().get(k).image(), expected.images().get(k).image()))
            .isLessThanOrEqualTo(1);
      }
      GenerationResult edited =
          p.generate(
              Requests.of(GenerationRequest.Mode.IMAGE_TO_IMAGE, Pictures.disc(32, 32)).build(),
              ProgressListener.NONE,
              new Cancellation());
      assertThat(edited.images()).hasSize(1);
    }
  }
}
