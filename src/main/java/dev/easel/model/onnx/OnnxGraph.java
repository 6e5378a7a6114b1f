package dev.easel.model.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
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

  /**
   * The same model with every external initializer turned into a float32 graph input of the same
   * name and shape, so the weights can be fed at run time instead of being owned by the runtime.
   */
  public ModelProto withWeightsAsInputs() {
    ModelProto.Builder m = model.toBuilder();
    GraphProto.Builder g = m.getGraphBuilder();
    g.clearInitializer();
    for (TensorProto t : model.getGraph().getInitializerList()) {
      if (!initializers.containsKey(t.getName())) {
        g.addInitializer(t);
        continue;
      }
      TypeProto.Builder type = TypeProto.newBuilder();
      TypeProto.Tensor.Builder tensor = type.getTensorTypeBuilder().setElemType(t.getDataType());
      for (long d : t.getDimsList()) {
        tensor.getShapeBuilder().addDimBuilder().setDimValue(d);
      }
      g.addInput(ValueInfoProto.newBuilder().setName(t.getName()).setType(type));
    }
    return m.build();
  }
}
