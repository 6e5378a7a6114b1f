package dev.easel.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.model.ModelException;
import dev.easel.model.safetensors.DType;
import dev.easel.model.safetensors.SafeTensorsFile;
import dev.easel.model.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The weights of one diffusers component folder: {@code diffusion_pytorch_model.safetensors} or
 * {@code model.safetensors}, their {@code .fp16} variants, or a sharded set described by a {@code
 * *.safetensors.index.json}. Records which tensors were used, so unexpected leftovers can be
 * reported.
 */
public final class SafeTensorsWeights implements Weights, AutoCloseable {
  private static final List<String> BASE_NAMES = List.of("diffusion_pytorch_model", "model");

  private final String source;
  private final List<SafeTensorsFile> files;
  private final Map<String, SafeTensorsFile> byKey = new LinkedHashMap<>();
  private final Set<String> used = new HashSet<>();

  private SafeTensorsWeights(String source, List<SafeTensorsFile> files) {
    this.source = source;
    this.files = files;
    for (SafeTensorsFile f : files) {
      for (String k : f.tensors().keySet()) {
        SafeTensorsFile previous = byKey.put(k, f);
        if (previous != null) {
          close();
          throw new ModelException(
              "tensor '" + k + "' appears in both " + previous.path() + " and " + f.path());
        }
      }
    }
  }

  /** Opens the given files as one set of weights. */
  public static SafeTensorsWeights of(Path... files) {
    List<SafeTensorsFile> opened = new ArrayList<>();
    try {
      for (Path p : files) {
        opened.add(SafeTensorsFile.open(p));
      }
    } catch (RuntimeException e) {
      opened.forEach(SafeTensorsFile::close);
      throw e;
    }
    return new SafeTensorsWeights(
        files.length == 1 ? files[0].toString() : Arrays.toString(files), opened);
  }

  /**
   * Finds and opens a component folder's weights. With {@code preferFp16}, a {@code .fp16} variant
   * is used when present; otherwise the plain file is preferred and the variant is the fallback.
   */
  public static SafeTensorsWeights openComponent(Path dir, boolean preferFp16) {
    List<String> suffixes =
        preferFp16
            ? List.of(".fp16.safetensors", ".safetensors")
            : List.of(".safetensors", ".fp16.safetensors");
    for (String suffix : suffixes) {
      for (String base : BASE_NAMES) {
        Path single = dir.resolve(base + suffix);
        if (Files.isRegularFile(single)) {
          return of(single);
        }
        // diffusers names a sharded variant's index base.safetensors.index.fp16.json
        for (Path index :
            List.of(
                dir.resolve(base + suffix + ".index.json"),
                dir.resolve(
                    base + ".safetensors.index" + suffix.replace(".safetensors", "") + ".json"))) {
          if (Files.isRegularFile(index)) {
            return of(shards(index).toArray(Path[]::new));
          }
        }
      }
    }
    throw new ModelException(
        dir
            + ": no weights found (expected diffusion_pytorch_model.safetensors, model.safetensors,"
            + " an .fp16 variant, or a .safetensors.index.json; .bin/.ckpt pickles are not loaded)");
  }

  private static List<Path> shards(Path index) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(index.toFile());
    } catch (IOException e) {
      throw new ModelException(index + ": cannot read shard index: " + e.getMessage(), e);
    }
    JsonNode map = root.path("weight_map");
    if (!map.isObject() || map.isEmpty()) {
      throw new ModelException(index + ": shard index has no weight_map");
    }
    Set<String> names = new TreeSet<>();
    map.properties().forEach(e -> names.add(e.getValue().asText()));
    List<Path> out = new ArrayList<>();
    for (String n : names) {
      Path p = index.resolveSibling(n);
      if (!Files.isRegularFile(p)) {
        throw new ModelException(index + ": shard " + n + " is missing");
      }
      out.add(p);
    }
    return out;
  }

  public TensorInfo info(String key) {
    SafeTensorsFile f = byKey.get(key);
    if (f == null) {
      throw new ModelException(source + ": missing tensor '" + key + "'");
    }
    return f.info(key);
  }

  public Set<String> keys() {
    return byKey.keySet();
  }

  /** Tensors never asked for, sorted. */
  public Set<String> unused() {
    Set<String> out = new TreeSet<>(byKey.keySet());
    out.removeAll(used);
    return out;
  }

  /** The data type most of the weights are stored in. */
  public DType storedType() {
    Map<DType, Long> bytes = new LinkedHashMap<>();
    byKey.forEach((k, f) -> bytes.merge(f.info(k).dtype(), f.info(k).byteLength(), Long::sum));
    return bytes.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse(DType.F32);
  }

  @Override
  public ByteBuffer float32(String key, long... shape) {
    TensorInfo t = info(key);
    if (!Arrays.equals(t.shape(), shape)) {
      throw new ModelException(
          byKey.get(key).path()
              + ": tensor '"
              + key
              + "' has shape "
              + t.shapeString()
              + " but the config implies "
              + Arrays.toString(shape));
    }
    used.add(key);
    SafeTensorsFile file = byKey.get(key);
    return switch (t.dtype()) {
      case F32 -> file.map(key);
      case F16 ->
          Float16.toFloat32(t.byteLength() / 2, (at, dst) -> file.read(key, at, dst), false);
      case BF16 ->
          Float16.toFloat32(t.byteLength() / 2, (at, dst) -> file.read(key, at, dst), true);
      default ->
          throw new ModelException(
              file.path() + ": tensor '" + key + "' has type " + t.dtype() + ", not a float type");
    };
  }

  @Override
  public boolean contains(String key) {
    return byKey.containsKey(key);
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public void close() {
    files.forEach(SafeTensorsFile::close);
  }
}
