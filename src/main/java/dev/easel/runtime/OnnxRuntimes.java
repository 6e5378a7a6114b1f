package dev.easel.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.onnx.OnnxGraph;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

  /**
   * Creates a session for a graph built in Java. On the CPU the weights are usually fed as inputs
   * of every run, read in place from Easel's buffers: ONNX Runtime copies initializers into memory
   * of its own, which doubles the resident weights and, measured on the SD UNet, made session
   * creation take 10 s instead of 0.3 s (fresh pages are expensive on these VMs) for the same
   * forward time. Graphs optimised at ORT_ENABLE_ALL with convolutions (TAESD, a VAE built without
   * Winograd) keep their weights as initializers: the blocked NCHWc layout reorders constant
   * weights once, and fed weights would lose it (TAESD 0.71 s → 0.91 s, direct VAE decoder 12.3 s →
   * 13.8 s). Other devices get initializers, copied to the device once.
   */
  public OnnxSession open(OnnxGraph graph) {
    long start = System.nanoTime();
    Map<String, OnnxTensor> weights = new LinkedHashMap<>();
    OrtSession.SessionOptions.OptLevel level = optimizationLevel(graph);
    boolean feedWeights =
        options.device() == Device.CPU
            && !(level == OrtSession.SessionOptions.OptLevel.ALL_OPT && hasOp(graph, "Conv"));
    try (OrtSession.SessionOptions so = sessionOptions(level)) {
      for (Map.Entry<String, ByteBuffer> e : graph.initializers().entrySet()) {
        ByteBuffer data = e.getValue().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        weights.put(
            e.getKey(),
            OnnxTensor.createTensor(
                env, data, shapeOf(graph, e.getKey()), ai.onnxruntime.OnnxJavaType.FLOAT));
      }
      if (!feedWeights && !weights.isEmpty()) {
        so.addExternalInitializers(new LinkedHashMap<>(weights));
      }
      byte[] model = (feedWeights ? graph.withWeightsAsInputs() : graph.model()).toByteArray();
      OrtSession session = createSession(() -> env.createSession(model, so));
      LOG.debug(
          "loaded {} ({} MB of weights) in {} ms",
          graph.name(),
          String.format(java.util.Locale.ROOT, "%.2f", graph.weightBytes() / 1e6),
          (System.nanoTime() - start) / 1_000_000);
      return new OnnxSession(graph.name(), env, session, weights, feedWeights);
    } catch (OrtException e) {
      weights.values().forEach(OnnxTensor::close);
      throw new InferenceException("cannot load " + graph.name() + ": " + e.getMessage(), e);
    }
  }

  /** Creates a session for a pre-exported {@code model.onnx} (external data beside it is found). */
  public OnnxSession open(Path modelFile) {
    try (OrtSession.SessionOptions so =
        sessionOptions(OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
      OrtSession session = createSession(() -> env.createSession(modelFile.toString(), so));
      return new OnnxSession(modelFile.toString(), env, session, Map.of(), false);
    } catch (OrtException e) {
      throw new InferenceException("cannot load " + modelFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sessions are created on a lowered thread: the intra-op threads ONNX Runtime starts inherit it.
   */
  private OrtSession createSession(ThreadPriority.Action<OrtSession, OrtException> create)
      throws OrtException {
    return ThreadPriority.onLoweredThread(options.nice(), create);
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
   * ORT_ENABLE_ALL adds the NCHWc blocked layout, which speeds up direct convolutions (TAESD, the
   * VAE encoder) but, measured on the SD UNet, doubles session creation (21.8 s → 10.9 s without
   * it) and keeps another copy of the weights for no faster forward pass. Graphs with fused
   * attention or Winograd convolutions (whose tile transforms NCHWc would pad and reorder: VAE
   * decoder 6.7 s → 7.0 s) therefore stop at ORT_ENABLE_EXTENDED.
   */
  private static OrtSession.SessionOptions.OptLevel optimizationLevel(OnnxGraph graph) {
    return hasOp(graph, "MultiHeadAttention")
            || graph.initializers().keySet().stream().anyMatch(GraphBuilder::isWinogradFilter)
        ? OrtSession.SessionOptions.OptLevel.EXTENDED_OPT
        : OrtSession.SessionOptions.OptLevel.ALL_OPT;
  }

  private static boolean hasOp(OnnxGraph graph, String opType) {
    return graph.model().getGraph().getNodeList().stream()
        .anyMatch(n -> n.getOpType().equals(opType));
  }

  private OrtSession.SessionOptions sessionOptions(OrtSession.SessionOptions.OptLevel level)
      throws OrtException {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    so.setOptimizationLevel(level);
    so.setIntraOpNumThreads(options.effectiveThreads());
    so.setInterOpNumThreads(1);
    so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    // Idle intra-op threads sleep instead of spinning for milliseconds after every run, which took
    // the cores from the HTTP threads and the JVM on small machines (no cost on the full UNet).
    so.addConfigEntry("session.intra_op.allow_spinning", "0");
    // The memory pattern plans one block per input shape for all intermediate tensors: with the
    // Winograd tile transforms it raised the VAE decoder's peak at 1024² from 8.0 to 12.6 GB and
    // faulted in fresh pages on the second run of each shape, for no faster forward pass.
    so.setMemoryPatternOptimization(false);
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
