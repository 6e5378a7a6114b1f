package dev.easel.model.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, opened read-only: the header is parsed and checked strictly up front, tensor
 * data is memory-mapped on demand (each tensor its own mapping, so files over 2 GB work).
 *
 * <p>Format: 8-byte little-endian header length N, N bytes of JSON, then the data section.
 */
public final class SafeTensorsFile implements AutoCloseable {
  private static final long MAX_HEADER = 100L * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafeTensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  public static SafeTensorsFile open(Path path) {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new SafeTensorsException(path, "cannot open: " + e.getMessage(), e);
    }
    try {
      long size = channel.size();
      if (size < 8) {
        throw new SafeTensorsException(path, "truncated: " + size + " bytes, no header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lenBuf, 0, path);
      long headerLen = lenBuf.getLong(0);
      if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > size - 8) {
        throw new SafeTensorsException(
            path,
            "header length "
                + headerLen
                + " is impossible for a file of "
                + size
                + " bytes (corrupt or not a safetensors file)");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(channel, header, 8, path);
      long dataStart = 8 + headerLen;
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, TensorInfo> tensors =
          parseHeader(path, new String(header.array(), StandardCharsets.UTF_8), metadata);
      checkLayout(path, tensors, size - dataStart);
      return new SafeTensorsFile(
          path,
          channel,
          dataStart,
          Collections.unmodifiableMap(tensors),
          Collections.unmodifiableMap(metadata));
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof SafeTensorsException s) {
        throw s;
      }
      throw new SafeTensorsException(path, "cannot read: " + e.getMessage(), e);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long pos, Path path)
      throws IOException {
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos + dst.position());
      if (n < 0) {
        throw new SafeTensorsException(path, "truncated header");
      }
    }
  }

  private static Map<String, TensorInfo> parseHeader(
      Path path, String json, Map<String, String> metadata) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SafeTensorsException(path, "header is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new SafeTensorsException(path, "header is not a JSON object");
    }
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (name.equals("__metadata__")) {
        if (!v.isObject()) {
          throw new SafeTensorsException(path, "__metadata__ must be an object of strings");
        }
        v.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      tensors.put(name, parseEntry(path, name, v));
    }
    return tensors;
  }

  private static TensorInfo parseEntry(Path path, String name, JsonNode v) {
    String where = "tensor '" + name + "'";
    if (!v.isObject()
        || !v.path("dtype").isTextual()
        || !v.path("shape").isArray()
        || !v.path("data_offsets").isArray()
        || v.path("data_offsets").size() != 2) {
      throw new SafeTensorsException(path, where + " needs dtype, shape and two data_offsets");
    }
    DType dtype = DType.parse(v.get("dtype").asText());
    if (dtype == null) {
      throw new SafeTensorsException(
          path, where + " has unsupported dtype " + v.get("dtype").asText());
    }
    long[] shape = new long[v.get("shape").size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = v.get("shape").get(i);
      if (!d.canConvertToLong() || d.asLong() < 0) {
        throw new SafeTensorsException(path, where + " has an invalid shape " + v.get("shape"));
      }
      shape[i] = d.asLong();
    }
    JsonNode offs = v.get("data_offsets");
    if (!offs.get(0).canConvertToLong() || !offs.get(1).canConvertToLong()) {
      throw new SafeTensorsException(path, where + " has invalid data_offsets " + offs);
    }
    TensorInfo info =
        new TensorInfo(name, dtype, shape, offs.get(0).asLong(), offs.get(1).asLong());
    long expected;
    try {
      expected = Math.multiplyExact(info.elementCount(), dtype.size());
    } catch (ArithmeticException e) {
      throw new SafeTensorsException(path, where + " has an impossibly large shape");
    }
    if (info.begin() < 0 || info.end() < info.begin() || info.byteLength() != expected) {
      throw new SafeTensorsException(
          path,
          where
              + " claims "
              + info.byteLength()
              + " bytes at ["
              + info.begin()
              + ", "
              + info.end()
              + ") but "
              + dtype
              + info.shapeString()
              + " needs "
              + expected);
    }
    return info;
  }

  /** Tensors must tile the data section exactly: no gaps, no overlaps, nothing past the end. */
  private static void checkLayout(Path path, Map<String, TensorInfo> tensors, long dataSize) {
    List<TensorInfo> sorted = new ArrayList<>(tensors.values());
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long pos = 0;
    for (TensorInfo t : sorted) {
      if (t.begin() != pos) {
        throw new SafeTensorsException(
            path,
            "tensor '"
                + t.name()
                + "' starts at "
                + t.begin()
                + " but the previous tensor ends at "
                + pos
                + " (overlapping or gapped data)");
      }
      pos = t.end();
    }
    if (pos > dataSize) {
      throw new SafeTensorsException(
          path,
          "truncated: tensors need "
              + pos
              + " bytes of data but the file holds "
              + dataSize
              + (sorted.isEmpty() ? "" : " (last tensor '" + sorted.getLast().name() + "')"));
    }
    if (pos < dataSize) {
      throw new SafeTensorsException(
          path, "file has " + (dataSize - pos) + " bytes after the last tensor (corrupt)");
    }
  }

  public Path path() {
    return path;
  }

  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new SafeTensorsException(path, "has no tensor '" + name + "'");
    }
    return t;
  }

  /** The tensor's bytes, memory-mapped read-only, little-endian. */
  public ByteBuffer map(String name) {
    TensorInfo t = info(name);
    if (t.byteLength() > Integer.MAX_VALUE) {
      throw new SafeTensorsException(path, "tensor '" + name + "' is larger than 2 GB");
    }
    if (t.byteLength() == 0) {
      return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
    }
    try {
      return channel
          .map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), t.byteLength())
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new SafeTensorsException(
          path, "cannot map tensor '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * Reads {@code dst.remaining()} bytes of the tensor, starting {@code offset} bytes into it: for
   * data that is converted anyway, so the file's pages are not kept mapped into the process.
   */
  public void read(String name, long offset, ByteBuffer dst) {
    TensorInfo t = info(name);
    if (offset < 0 || offset + dst.remaining() > t.byteLength()) {
      throw new IndexOutOfBoundsException(
          "bytes " + offset + "+" + dst.remaining() + " of tensor '" + name + "'");
    }
    long position = dataStart + t.begin() + offset;
    try {
      while (dst.hasRemaining()) {
        int n = channel.read(dst, position);
        if (n < 0) {
          throw new SafeTensorsException(path, "tensor '" + name + "' ends past the file's end");
        }
        position += n;
      }
    } catch (IOException e) {
      throw new SafeTensorsException(
          path, "cannot read tensor '" + name + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new SafeTensorsException(path, "cannot close: " + e.getMessage(), e);
    }
  }
}
