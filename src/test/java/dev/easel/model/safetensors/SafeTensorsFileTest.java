package dev.easel.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsFileTest {
  @TempDir Path dir;

  private static ByteBuffer floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.flip();
  }

  private Path writeValid() throws IOException {
    Map<String, SafeTensorsWriter.Tensor> t = new LinkedHashMap<>();
    t.put(
        "a.weight",
        new SafeTensorsWriter.Tensor(DType.F32, new long[] {2, 3}, floats(1, 2, 3, 4, 5, 6)));
    t.put("b.bias", new SafeTensorsWriter.Tensor(DType.F32, new long[] {2}, floats(-1, 0.5f)));
    Path f = dir.resolve("ok.safetensors");
    SafeTensorsWriter.write(f, t, Map.of("format", "pt"));
    return f;
  }

  /** A file with the given header JSON and {@code dataBytes} bytes of data. */
  private Path raw(String header, int dataBytes) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path f = dir.resolve("bad.safetensors");
    Files.write(f, b.array());
    return f;
  }

  @Test
  void writtenTensorsReadBackWithMetadata() throws IOException {
    try (SafeTensorsFile f = SafeTensorsFile.open(writeValid())) {
      assertThat(f.tensors()).containsOnlyKeys("a.weight", "b.bias");
      assertThat(f.metadata()).containsEntry("format", "pt");
      TensorInfo a = f.info("a.weight");
      assertThat(a.dtype()).isEqualTo(DType.F32);
      assertThat(a.shape()).containsExactly(2, 3);
      ByteBuffer data = f.map("a.weight");
      float[] out = new float[6];
      data.asFloatBuffer().get(out);
      assertThat(out).containsExactly(1, 2, 3, 4, 5, 6);
    }
  }

  @Test
  void partOfATensorIsReadFromAnOffsetAndReadsPastItsEndAreRefused() throws IOException {
    try (SafeTensorsFile f = SafeTensorsFile.open(writeValid())) {
      ByteBuffer part = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      f.read("a.weight", 12, part);
      part.flip();
      assertThat(part.getFloat()).isEqualTo(4);
      assertThat(part.getFloat()).isEqualTo(5);
      assertThatThrownBy(() -> f.read("a.weight", 20, ByteBuffer.allocate(8)))
          .isInstanceOf(IndexOutOfBoundsException.class)
          .hasMessageContaining("a.weight");
    }
  }

  @Test
  void writingLeavesNoPartialFileBehind() throws IOException {
    writeValid();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ok.safetensors");
    }
  }

  @Test
  void truncatedFileNamesTheLastTensor() throws IOException {
    Path f = writeValid();
    byte[] all = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(all, all.length - 3));
    assertThatThrownBy(() -> SafeTensorsFile.open(f))
        .isInstanceOf(SafeTensorsException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("truncated")
        .hasMessageContaining("b.bias");
  }

  @Test
  void headerLengthBeyondTheFileIsRefused() throws IOException {
    Path f = dir.resolve("x.safetensors");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
    Files.write(f, b.array());
    assertThatThrownBy(() -> SafeTensorsFile.open(f)).hasMessageContaining("header length");
  }

  @Test
  void tooShortFileIsRefused() throws IOException {
    Path f = dir.resolve("tiny.safetensors");
    Files.write(f, new byte[3]);
    assertThatThrownBy(() -> SafeTensorsFile.open(f)).hasMessageContaining("truncated");
  }

  @Test
  void headerThatLiesAboutSizesNamesTheTensor() throws IOException {
    Path f = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4,4],\"data_offsets\":[0,16]}}", 16);
    assertThatThrownBy(() -> SafeTensorsFile.open(f))
        .hasMessageContaining("tensor 'w'")
        .hasMessageContaining("needs 64");
  }

  @Test
  void overlappingTensorsAreRefused() throws IOException {
    Path f =
        raw(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            12);
    assertThatThrownBy(() -> SafeTensorsFile.open(f)).hasMessageContaining("overlapping");
  }

  @Test
  void malformedJsonAndUnknownTypesAreRefused() throws IOException {
    assertThatThrownBy(() -> SafeTensorsFile.open(raw("{not json", 0)))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(
            () ->
                SafeTensorsFile.open(
                    raw("{\"w\":{\"dtype\":\"F8_E9\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1)))
        .hasMessageContaining("unsupported dtype F8_E9");
  }

  @Test
  void tensorsPastTwoGigabytesAreMapped() throws IOException {
    long big = (1L << 31) + 8;
    String header =
        "{\"pad\":{\"dtype\":\"U8\",\"shape\":["
            + big
            + "],\"data_offsets\":[0,"
            + big
            + "]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":["
            + big
            + ","
            + (big + 8)
            + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    Path f = dir.resolve("big.safetensors");
    try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
      raf.write(head.array());
      raf.write(h);
      raf.setLength(8 + h.length + big + 8); // sparse: no disk is used for the padding
      raf.seek(8 + h.length + big);
      raf.write(floats(1.5f, -2f).array());
    }
    try (SafeTensorsFile file = SafeTensorsFile.open(f)) {
      ByteBuffer w = file.map("w");
      assertThat(w.getFloat(0)).isEqualTo(1.5f);
      assertThat(w.getFloat(4)).isEqualTo(-2f);
    }
  }

  @Test
  void missingTensorIsNamed() throws IOException {
    try (SafeTensorsFile f = SafeTensorsFile.open(writeValid())) {
      assertThatThrownBy(() -> f.map("c.weight")).hasMessageContaining("has no tensor 'c.weight'");
    }
  }
}
