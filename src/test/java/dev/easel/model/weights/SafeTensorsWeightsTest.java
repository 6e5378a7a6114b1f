package dev.easel.model.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.model.ModelException;
import dev.easel.model.safetensors.DType;
import dev.easel.model.safetensors.SafeTensorsWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsWeightsTest {
  @TempDir Path dir;

  private static float[] floats(ByteBuffer b) {
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  @Test
  void fp16VariantIsPreferredWhenAskedAndConvertedToFloat32() throws Exception {
    RandomWeights random = new RandomWeights(3);
    float[] original = floats(random.float32("layer.weight", 4, 8));
    random.save(dir.resolve("diffusion_pytorch_model.fp16.safetensors"), DType.F16);
    random.save(dir.resolve("diffusion_pytorch_model.safetensors"), DType.F32);
    try (SafeTensorsWeights fp16 = SafeTensorsWeights.openComponent(dir, true);
        SafeTensorsWeights fp32 = SafeTensorsWeights.openComponent(dir, false)) {
      assertThat(fp16.storedType()).isEqualTo(DType.F16);
      assertThat(fp32.storedType()).isEqualTo(DType.F32);
      assertThat(floats(fp32.float32("layer.weight", 4, 8))).containsExactly(original);
      float[] half = floats(fp16.float32("layer.weight", 4, 8));
      for (int i = 0; i < half.length; i++) {
        assertThat(half[i]).isCloseTo(original[i], org.assertj.core.data.Offset.offset(1e-3f));
      }
    }
  }

  @Test
  void halfAndBfloat16TensorsLargerThanAConversionChunkConvertExactly() throws Exception {
    int n = 3 * (1 << 20) + 17;
    ByteBuffer bits = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < n; i++) {
      bits.putShort((short) (random.nextInt(0x7c00) | (random.nextBoolean() ? 0x8000 : 0)));
    }
    bits.flip();
    for (DType type : new DType[] {DType.F16, DType.BF16}) {
      Path file = dir.resolve(type + ".safetensors");
      SafeTensorsWriter.write(
          file,
          Map.of("t", new SafeTensorsWriter.Tensor(type, new long[] {n}, bits.duplicate())),
          Map.of());
      try (SafeTensorsWeights w = SafeTensorsWeights.of(file)) {
        float[] out = floats(w.float32("t", n));
        for (int i = 0; i < n; i++) {
          short h = bits.getShort(i * 2);
          float expected =
              type == DType.F16
                  ? Float.float16ToFloat(h)
                  : Float.intBitsToFloat((h & 0xffff) << 16);
          if (Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(expected)) {
            throw new AssertionError(type + " value " + i + ": " + out[i] + " != " + expected);
          }
        }
      }
    }
  }

  @Test
  void shardedWeightsAreJoinedThroughTheIndex() throws Exception {
    RandomWeights a = new RandomWeights(1);
    a.float32("a.weight", 2, 2);
    a.save(dir.resolve("model-00001-of-00002.safetensors"), DType.F32);
    RandomWeights b = new RandomWeights(2);
    b.float32("b.weight", 3, 3);
    b.save(dir.resolve("model-00002-of-00002.safetensors"), DType.F32);
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\":{},\"weight_map\":{\"a.weight\":\"model-00001-of-00002.safetensors\","
            + "\"b.weight\":\"model-00002-of-00002.safetensors\"}}");
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false)) {
      assertThat(w.keys()).containsExactlyInAnyOrder("a.weight", "b.weight");
      w.float32("a.weight", 2, 2);
      assertThat(w.unused()).containsExactly("b.weight");
    }
  }

  @Test
  void shardedFp16IndexInDiffusersVariantNamingIsFound() throws Exception {
    RandomWeights a = new RandomWeights(1);
    a.float32("a.weight", 2, 2);
    a.save(dir.resolve("diffusion_pytorch_model-00001-of-00001.fp16.safetensors"), DType.F16);
    Files.writeString(
        dir.resolve("diffusion_pytorch_model.safetensors.index.fp16.json"),
        "{\"weight_map\":{\"a.weight\":\"diffusion_pytorch_model-00001-of-00001.fp16.safetensors\"}}");
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, true)) {
      assertThat(w.keys()).containsExactly("a.weight");
      assertThat(w.storedType()).isEqualTo(DType.F16);
    }
  }

  @Test
  void shapeMismatchNamesFileTensorAndShapes() throws Exception {
    RandomWeights random = new RandomWeights(3);
    random.float32("conv_in.weight", 64, 4, 3, 3);
    random.save(dir.resolve("diffusion_pytorch_model.safetensors"), DType.F32);
    try (SafeTensorsWeights w = SafeTensorsWeights.openComponent(dir, false)) {
      assertThatThrownBy(() -> w.float32("conv_in.weight", 320, 4, 3, 3))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("diffusion_pytorch_model.safetensors")
          .hasMessageContaining("conv_in.weight")
          .hasMessageContaining("[64, 4, 3, 3]")
          .hasMessageContaining("[320, 4, 3, 3]");
      assertThatThrownBy(() -> w.float32("conv_out.weight", 4, 320, 3, 3))
          .hasMessageContaining("missing tensor 'conv_out.weight'");
    }
  }

  @Test
  void folderWithoutSafetensorsSaysWhatItLookedFor() {
    assertThatThrownBy(() -> SafeTensorsWeights.openComponent(dir, true))
        .hasMessageContaining("no weights found")
        .hasMessageContaining(".bin/.ckpt pickles are not loaded");
  }
}
