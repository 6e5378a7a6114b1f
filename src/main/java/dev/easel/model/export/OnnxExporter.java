package dev.easel.model.export;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.easel.model.ComponentLoader;
import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a built graph as a standalone ONNX model in standard operators ({@link StandardOps}):
 * {@code model.onnx} plus its weights as ONNX external data in {@code model.onnx_data}, every
 * initializer's {@code external_data} (location, offset, length) filled in. The folder is written
 * under a temporary name and moved into place complete, so a failed export leaves nothing behind.
 */
public final class OnnxExporter {
  /** The external data file beside {@code model.onnx}. */
  public static final String DATA_FILE = "model.onnx_data";

  /** Tensors start at multiples of this, so they can be memory-mapped in place. */
  private static final int ALIGNMENT = 64;

  private OnnxExporter() {}

  /**
   * Writes {@code graph} into the new folder {@code dir} ({@code dir/model.onnx}, {@code
   * dir/model.onnx_data}); {@code dir} must not exist yet.
   */
  public static void write(OnnxGraph graph, Path dir) throws IOException {
    if (Files.exists(dir)) {
      throw new FileAlreadyExistsException(dir.toString(), null, "will not overwrite");
    }
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".partial-");
    try {
      writeInto(graph, tmp);
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  /** Writes {@code model.onnx} and {@code model.onnx_data} into the existing folder {@code dir}. */
  static void writeInto(OnnxGraph graph, Path dir) throws IOException {
    ModelProto.Builder model = StandardOps.of(graph.model()).toBuilder();
    boolean anyExternal = false;
    try (FileChannel data =
        FileChannel.open(
            dir.resolve(DATA_FILE), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long offset = 0;
      for (TensorProto.Builder t : model.getGraphBuilder().getInitializerBuilderList()) {
        if (!isPlaceholder(t)) {
          continue;
        }
        ByteBuffer bytes = graph.initializers().get(t.getName());
        if (bytes == null) {
          throw new IllegalStateException("graph declares no data for initializer " + t.getName());
        }
        long start = (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        long length = bytes.remaining();
        writeFully(data, bytes.duplicate(), start);
        offset = start + length;
        t.clearExternalData()
            .addExternalData(entry("location", DATA_FILE))
            .addExternalData(entry("offset", Long.toString(start)))
            .addExternalData(entry("length", Long.toString(length)));
        anyExternal = true;
      }
    }
    if (!anyExternal) {
      Files.delete(dir.resolve(DATA_FILE));
    }
    try (OutputStream out =
        Files.newOutputStream(
            dir.resolve(ComponentLoader.MODEL_FILE), StandardOpenOption.CREATE_NEW)) {
      model.build().writeTo(out);
    }
  }

  private static boolean isPlaceholder(TensorProto.Builder t) {
    return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL
        && t.getExternalDataList().stream()
            .anyMatch(
                e ->
                    e.getKey().equals("location")
                        && e.getValue().equals(GraphBuilder.EXTERNAL_LOCATION));
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    long pos = position;
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }

  /** Deletes a folder and everything in it (a partial export). */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
