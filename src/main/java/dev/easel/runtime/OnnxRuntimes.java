package dev.easel.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.easel.model.onnx.OnnxGraph;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's ONNX Runtime environment and the one place sessions are configured: threads,
 * optimisation level, memory options and execution provider.
 */
public final class OnnxRuntimes {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimes.class);

  private final OrtEnvironment env =
      OrtEnvironment.getEnvironment(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
  private final RuntimeOptions options;

  public OnnxRuntimes(RuntimeOptions options) {
    this.options = options;
  }

  public RuntimeOptions options() {
    return options;
  }

  /** Creates a session for a graph built in Java, its weights passed as external initializers. */
  public OnnxSession open(OnnxGraph graph) {
    long start = System.nanoTime();
    List<OnnxTensor> weights = new ArrayList<>();
    try (OrtSession.SessionOptions so = sessionOptions(optimizationLevel(graph))) {
      Map<String, OnnxTensorLike> initializers = new LinkedHashMap<>();
      for (Map.Entry<String, ByteBuffer> e : graph.initializers().entrySet()) {
        ByteBuffer data = e.getValue().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        OnnxTensor t =
            OnnxTensor.createTensor(
                env, data, shapeOf(graph, e.getKey()), ai.onnxruntime.OnnxJavaType.FLOAT);
        weights.add(t);
        initializers.put(e.getKey(), t);
      }
      if (!initializers.isEmpty()) {
        so.addExternalInitializers(initializers);
      }
      OrtSession session = env.createSession(graph.model().toByteArray(), so);
      LOG.debug(
          "loaded {} ({} MB of weights) in {} ms",
          graph.name(),
          graph.weightBytes() >> 20,
          (System.nanoTime() - start) / 1_000_000);
      return new OnnxSession(graph.name(), env, session, weights);
    } catch (OrtException e) {
      weights.forEach(OnnxTensor::close);
      throw new InferenceException("cannot load " + graph.name() + ": " + e.getMessage(), e);
    }
  }

  /** Creates a session for a pre-exported {@code model.onnx} (external data beside it is found). */
  public OnnxSession open(Path modelFile) {
    try (OrtSession.SessionOptions so =
        sessionOptions(OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
      OrtSession session = env.createSession(modelFile.toString(), so);
      return new OnnxSession(modelFile.toString(), env, session, List.of());
    } catch (OrtException e) {
      throw new InferenceException("cannot load " + modelFile + ": " + e.getMessage(), e);
    }
  }

  private static long[] shapeOf(OnnxGraph graph, String name) {
    for (ai.onnx.proto.OnnxMl.TensorProto t : graph.model().getGraph().getInitializerList()) {
      if (t.getName().equals(name)) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
      }
    }
    throw new IllegalStateException("no initializer " + name);
  }

  /**
   * ORT_ENABLE_ALL adds the NCHWc blocked layout, which speeds up pure convolution stacks (the
   * autoencoders) but, measured on the SD UNet, doubles session creation (21.8 s → 10.9 s without
   * it) and keeps another copy of the weights for no faster forward pass; graphs with fused
   * attention therefore stop at ORT_ENABLE_EXTENDED.
   */
  private static OrtSession.SessionOptions.OptLevel optimizationLevel(OnnxGraph graph) {
    boolean attention =
        graph.model().getGraph().getNodeList().stream()
            .anyMatch(n -> n.getOpType().equals("MultiHeadAttention"));
    return attention
        ? OrtSession.SessionOptions.OptLevel.EXTENDED_OPT
        : OrtSession.SessionOptions.OptLevel.ALL_OPT;
  }

  private OrtSession.SessionOptions sessionOptions(OrtSession.SessionOptions.OptLevel level)
      throws OrtException {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    so.setOptimizationLevel(level);
    so.setIntraOpNumThreads(options.effectiveThreads());
    so.setInterOpNumThreads(1);
    so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    if (options.device() == Device.CUDA) {
      try {
        so.addCUDA(0);
      } catch (OrtException | UnsatisfiedLinkError e) {
        so.close();
        throw new InferenceException(
            "runtime.device is cuda but CUDA is not available: "
                + e.getMessage()
                + " (use the onnxruntime_gpu build on a machine with an NVIDIA GPU, or set"
                + " runtime.device=cpu)");
      }
    }
    return so;
  }
}
