package dev.easel.model.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.model.ComponentConfig;
import dev.easel.model.ComponentLoader;
import dev.easel.model.ModelException;
import dev.easel.model.clip.CLIPTextConfig;
import dev.easel.model.clip.CLIPTextModel;
import dev.easel.model.clip.CLIPTextModelWithProjection;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.unet.AttentionKernel;
import dev.easel.model.unet.UNet2DConditionConfig;
import dev.easel.model.unet.UNet2DConditionModel;
import dev.easel.model.vae.AutoencoderKL;
import dev.easel.model.vae.AutoencoderKLConfig;
import dev.easel.model.vae.AutoencoderTiny;
import dev.easel.model.vae.AutoencoderTinyConfig;
import dev.easel.model.weights.SafeTensorsWeights;
import dev.easel.model.weights.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports a diffusers model folder as standalone ONNX models in Optimum's layout: each model
 * component becomes one or more folders holding {@code model.onnx} + {@code model.onnx_data} and a
 * copy of its {@code config.json} ({@code vae} → {@code vae_encoder/} and {@code vae_decoder/});
 * tokenizers, schedulers and other non-model folders are copied; components already exported are
 * copied as they are. A single component folder (config.json + weights, no model_index.json) is
 * exported the same way. Convolutions are exported in their direct form with the checkpoint's
 * filters (no Winograd transforms, which other runtimes do their own way).
 */
public final class ModelExporter {
  private static final Logger LOG = LoggerFactory.getLogger(ModelExporter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL_INDEX = "model_index.json";

  /** Receives each graph of a component as soon as it is built, with its folder-name suffix. */
  @FunctionalInterface
  public interface GraphSink {
    void accept(String suffix, OnnxGraph graph) throws IOException;
  }

  /** Builds the graphs of one diffusers component class. */
  @FunctionalInterface
  public interface ComponentExporter {
    void export(ComponentConfig config, Weights weights, GraphSink sink) throws IOException;
  }

  /** A registered exporter and the component name diffusers pipelines give that class. */
  private record Entry(String defaultName, ComponentExporter exporter) {}

  /** Exporters by diffusers {@code _class_name} (transformers' {@code architectures[0]}). */
  private static final Map<String, Entry> EXPORTERS =
      Map.of(
          AutoencoderKLConfig.CLASS_NAME,
          new Entry("vae", ModelExporter::autoencoderKL),
          "AutoencoderTiny",
          new Entry("vae", ModelExporter::autoencoderTiny),
          "UNet2DConditionModel",
          new Entry("unet", ModelExporter::unet),
          "CLIPTextModel",
          new Entry("text_encoder", ModelExporter::clipTextModel),
          "CLIPTextModelWithProjection",
          new Entry("text_encoder_2", ModelExporter::clipTextModelWithProjection));

  private static void unet(ComponentConfig c, Weights w, GraphSink sink) throws IOException {
    sink.accept(
        "",
        UNet2DConditionModel.build(UNet2DConditionConfig.from(c), w, AttentionKernel.MATMUL, 0));
  }

  private static void clipTextModel(ComponentConfig c, Weights w, GraphSink sink)
      throws IOException {
    sink.accept("", CLIPTextModel.build(CLIPTextConfig.from(c), w, CLIPTextModel.Options.DEFAULT));
  }

  private static void clipTextModelWithProjection(ComponentConfig c, Weights w, GraphSink sink)
      throws IOException {
    sink.accept(
        "",
        CLIPTextModelWithProjection.build(
            CLIPTextConfig.from(c), w, CLIPTextModel.Options.DEFAULT));
  }

  private static void autoencoderKL(ComponentConfig c, Weights w, GraphSink sink)
      throws IOException {
    AutoencoderKLConfig cfg = AutoencoderKLConfig.from(c);
    sink.accept("_encoder", AutoencoderKL.encoder(cfg, w, false));
    sink.accept("_decoder", AutoencoderKL.decoder(cfg, w, false));
  }

  private static void autoencoderTiny(ComponentConfig c, Weights w, GraphSink sink)
      throws IOException {
    AutoencoderTinyConfig cfg = AutoencoderTinyConfig.from(c);
    sink.accept("_encoder", AutoencoderTiny.encoder(cfg, w, AutoencoderTiny.Layout.DIFFUSERS));
    sink.accept("_decoder", AutoencoderTiny.decoder(cfg, w, AutoencoderTiny.Layout.DIFFUSERS));
  }

  /** One output folder: an exported model (with its bytes of weights) or a copied folder. */
  public record Written(String name, boolean exported, long weightBytes) {}

  private sealed interface Step {
    String name();
  }

  private record Copy(String name, Path from) implements Step {}

  private record Build(String name, Path from, ComponentExporter exporter) implements Step {}

  private ModelExporter() {}

  /** Whether a component of this diffusers class can be exported. */
  public static boolean canExport(String className) {
    return EXPORTERS.containsKey(className);
  }

  /**
   * Exports {@code modelDir} into {@code outDir} (absent or empty), leaving out the components in
   * {@code skip}. Everything is checked before anything is written; the output appears complete or
   * not at all.
   *
   * @return the exported models
   */
  public static List<Written> export(
      Path modelDir, Path outDir, Set<String> skip, Consumer<Written> progress) throws IOException {
    if (!Files.isDirectory(modelDir)) {
      throw new ModelException(modelDir + ": not a folder");
    }
    boolean pipeline = Files.isRegularFile(modelDir.resolve(MODEL_INDEX));
    List<Step> steps = pipeline ? pipelineSteps(modelDir, skip) : List.of(single(modelDir));
    if (Files.isDirectory(outDir)) {
      try (Stream<Path> s = Files.list(outDir)) {
        if (s.findAny().isPresent()) {
          throw new ModelException(outDir + ": exists and is not empty (will not overwrite)");
        }
      }
    } else if (Files.exists(outDir)) {
      throw new ModelException(outDir + ": exists and is not a folder");
    }
    Path parent = outDir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + outDir.getFileName() + ".partial-");
    List<Written> written = new ArrayList<>();
    try {
      for (Step step : steps) {
        switch (step) {
          case Copy c -> {
            copyTree(c.from(), tmp.resolve(c.name()));
            progress.accept(new Written(c.name(), false, 0));
          }
          case Build b ->
              build(
                  b,
                  tmp,
                  w -> {
                    written.add(w);
                    progress.accept(w);
                  });
        }
      }
      if (pipeline) {
        writeModelIndex(modelDir.resolve(MODEL_INDEX), tmp.resolve(MODEL_INDEX), skip);
      }
      Files.deleteIfExists(outDir);
      Files.move(tmp, outDir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      OnnxExporter.deleteTree(tmp);
      throw e;
    }
    return written;
  }

  private static Step single(Path dir) {
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new ModelException(
          dir
              + ": neither a diffusers model folder (no model_index.json) nor a component folder"
              + " (no config.json)");
    }
    ComponentConfig config = ComponentConfig.read(dir);
    String cls = className(config, null);
    Entry entry = cls == null ? null : EXPORTERS.get(cls);
    if (entry == null) {
      throw new ModelException(
          config.file()
              + ": cannot export '_class_name' "
              + cls
              + " (exportable: "
              + String.join(", ", EXPORTERS.keySet())
              + ")");
    }
    return new Build(entry.defaultName(), dir, entry.exporter());
  }

  private static List<Step> pipelineSteps(Path modelDir, Set<String> skip) throws IOException {
    JsonNode index = readIndex(modelDir.resolve(MODEL_INDEX));
    List<Step> steps = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : index.properties()) {
      String name = e.getKey();
      if (name.startsWith("_") || skip.contains(name) || isAbsentComponent(e.getValue())) {
        continue;
      }
      Path dir = modelDir.resolve(name);
      if (!Files.isDirectory(dir)) {
        throw new ModelException(
            modelDir.resolve(MODEL_INDEX) + ": lists '" + name + "' but " + dir + " is missing");
      }
      if (ComponentLoader.isPreExported(dir) || !holdsWeights(dir)) {
        steps.add(new Copy(name, dir));
        continue;
      }
      String cls = e.getValue().isArray() ? e.getValue().path(1).asText() : "";
      if (Files.isRegularFile(dir.resolve("config.json"))) {
        cls = className(ComponentConfig.read(dir), cls);
      }
      Entry entry = EXPORTERS.get(cls);
      if (entry == null) {
        unsupported.add(name + " (" + cls + ")");
      } else {
        steps.add(new Build(name, dir, entry.exporter()));
      }
    }
    for (String s : skip) {
      if (!index.has(s)) {
        throw new ModelException(modelDir.resolve(MODEL_INDEX) + ": no component '" + s + "'");
      }
    }
    if (!unsupported.isEmpty()) {
      throw new ModelException(
          modelDir
              + ": no ONNX exporter yet for "
              + String.join(", ", unsupported)
              + " (exportable: "
              + String.join(", ", EXPORTERS.keySet())
              + "; leave components out with --skip)");
    }
    return steps;
  }

  /** diffusers' {@code _class_name}, else transformers' first {@code architectures} entry. */
  private static String className(ComponentConfig config, String fallback) {
    List<String> architectures = config.getStrings("architectures", List.of());
    return config.getString(
        "_class_name", architectures.isEmpty() ? fallback : architectures.get(0));
  }

  private static JsonNode readIndex(Path file) {
    try {
      JsonNode index = JSON.readTree(file.toFile());
      if (index == null || !index.isObject()) {
        throw new ModelException(file + ": not a JSON object");
      }
      return index;
    } catch (IOException e) {
      throw new ModelException(file + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  /** {@code [null, null]} marks a component a pipeline was saved without (a safety checker). */
  private static boolean isAbsentComponent(JsonNode value) {
    return value.isNull() || (value.isArray() && value.path(1).isNull());
  }

  private static boolean holdsWeights(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .anyMatch(
              n ->
                  n.endsWith(".safetensors")
                      || n.endsWith(".safetensors.index.json")
                      || n.endsWith(".bin")
                      || n.endsWith(".ckpt"));
    }
  }

  private static void build(Build b, Path out, Consumer<Written> progress) throws IOException {
    ComponentConfig config = ComponentConfig.read(b.from());
    try (SafeTensorsWeights weights = SafeTensorsWeights.openComponent(b.from(), false)) {
      b.exporter()
          .export(
              config,
              weights,
              (suffix, graph) -> {
                String name = b.name() + suffix;
                Path dir = out.resolve(name);
                OnnxExporter.write(graph, dir);
                Files.copy(config.file(), dir.resolve("config.json"));
                progress.accept(new Written(name, true, graph.weightBytes()));
              });
      if (!weights.unused().isEmpty()) {
        LOG.warn("{}: tensors not used by the export: {}", b.from(), weights.unused());
      }
    }
  }

  private static void writeModelIndex(Path from, Path to, Set<String> skip) throws IOException {
    ObjectNode index = (ObjectNode) readIndex(from);
    for (String s : skip) {
      index.putArray(s).addNull().addNull();
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(to.toFile(), index);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
