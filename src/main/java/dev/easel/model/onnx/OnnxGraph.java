package dev.easel.model.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A built component: the ONNX model (weights declared, not embedded) and the float32 buffers of its
 * external initializers, by name.
 */
public record OnnxGraph(String name, ModelProto model, Map<String, ByteBuffer> initializers) {
  public OnnxGraph {
    initializers = Map.copyOf(initializers);
  }

  /** Bytes of weights the graph uses. */
  public long weightBytes() {
    return initializers.values().stream().mapToLong(ByteBuffer::remaining).sum();
  }
}
