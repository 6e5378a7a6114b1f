package dev.easel.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One loaded graph, ready to run. Holds the weight tensors ONNX Runtime reads from, so they live as
 * long as the session, and feeds them to every run when the graph takes its weights as inputs.
 */
public final class OnnxSession implements AutoCloseable {
  private final String name;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final Map<String, OnnxTensor> weights;
  private final boolean feedWeights;

  /** Wall time spent inside ONNX Runtime's run calls by every session of this process. */
  private static final java.util.concurrent.atomic.LongAdder RUN_NANOS =
      new java.util.concurrent.atomic.LongAdder();

  OnnxSession(
      String name,
      OrtEnvironment env,
      OrtSession session,
      Map<String, OnnxTensor> weights,
      boolean feedWeights) {
    this.name = name;
    this.env = env;
    this.session = session;
    this.weights = weights;
    this.feedWeights = feedWeights;
  }

  public String name() {
    return name;
  }

  /** The graph's inputs, not counting the weights it is fed. */
  public Set<String> inputNames() {
    Set<String> names = new LinkedHashSet<>(session.getInputNames());
    names.removeAll(weights.keySet());
    return names;
  }

  public Set<String> outputNames() {
    return session.getOutputNames();
  }

  /**
   * Runs the graph. Inputs are {@link FloatTensor}s, or {@code long[][]} rows for int64 token ids.
   */
  public Map<String, FloatTensor> run(Map<String, ?> inputs) {
    List<OnnxTensor> created = new ArrayList<>();
    try {
      Map<String, OnnxTensor> feed = new LinkedHashMap<>();
      for (Map.Entry<String, ?> e : inputs.entrySet()) {
        OnnxTensor t =
            switch (e.getValue()) {
              case FloatTensor f ->
                  OnnxTensor.createTensor(env, FloatBuffer.wrap(f.data()), f.shape());
              case long[][] rows -> longs(rows);
              default ->
                  throw new IllegalArgumentException(
                      "unsupported input type for " + e.getKey() + ": " + e.getValue().getClass());
            };
        created.add(t);
        feed.put(e.getKey(), t);
      }
      if (feedWeights) {
        feed.putAll(weights);
      }
      long start = System.nanoTime();
      try (OrtSession.Result result = session.run(feed)) {
        RUN_NANOS.add(System.nanoTime() - start);
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> e : result) {
          OnnxTensor t = (OnnxTensor) e.getValue();
          FloatBuffer fb = t.getFloatBuffer();
          float[] data = new float[fb.remaining()];
          fb.get(data);
          out.put(e.getKey(), new FloatTensor(t.getInfo().getShape(), data));
        }
        return out;
      }
    } catch (OrtException e) {
      throw new InferenceException(name + ": " + e.getMessage(), e);
    } finally {
      created.forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor longs(long[][] rows) throws OrtException {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    LongBuffer b = LongBuffer.allocate(rows.length * cols);
    for (long[] r : rows) {
      b.put(r);
    }
    b.flip();
    return OnnxTensor.createTensor(env, b, new long[] {rows.length, cols});
  }

  /** Total wall time spent in ONNX Runtime by all sessions so far (for overhead measurements). */
  public static long totalRunNanos() {
    return RUN_NANOS.sum();
  }

  /** Runs a graph with a single output and returns it. */
  public FloatTensor runSingle(Map<String, ?> inputs) {
    Map<String, FloatTensor> out = run(inputs);
    return out.values().iterator().next();
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new InferenceException(name + ": " + e.getMessage(), e);
    } finally {
      weights.values().forEach(OnnxTensor::close);
    }
  }
}
