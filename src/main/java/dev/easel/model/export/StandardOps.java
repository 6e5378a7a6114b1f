package dev.easel.model.export;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.easel.model.onnx.Attr;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Rewrites the ONNX Runtime contrib operators Easel's graphs use into standard ONNX, so that an
 * exported model runs in any ONNX runtime: {@code com.microsoft.FusedMatMul} (a linear layer
 * reading its [out, in] weight transposed) becomes a {@code Transpose} of the weight and a {@code
 * MatMul}. Any other contrib operator is refused rather than exported.
 */
final class StandardOps {
  private static final String CONTRIB = "com.microsoft";

  private StandardOps() {}

  static ModelProto of(ModelProto model) {
    GraphProto graph = model.getGraph();
    Map<String, TensorProto> initializers =
        graph.getInitializerList().stream()
            .collect(Collectors.toMap(TensorProto::getName, Function.identity()));
    GraphProto.Builder rewritten = graph.toBuilder().clearNode();
    for (NodeProto node : graph.getNodeList()) {
      if (node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx")) {
        rewritten.addNode(node);
      } else if (node.getDomain().equals(CONTRIB) && node.getOpType().equals("FusedMatMul")) {
        matMul(node, initializers, rewritten);
      } else {
        throw new IllegalStateException(
            "no standard ONNX form for " + node.getDomain() + "." + node.getOpType());
      }
    }
    ModelProto.Builder out = model.toBuilder().setGraph(rewritten).clearOpsetImport();
    for (OperatorSetIdProto opset : model.getOpsetImportList()) {
      if (!opset.getDomain().equals(CONTRIB)) {
        out.addOpsetImport(opset);
      }
    }
    return out.build();
  }

  private static void matMul(
      NodeProto node, Map<String, TensorProto> initializers, GraphProto.Builder graph) {
    Map<String, AttributeProto> attrs =
        node.getAttributeList().stream()
            .collect(Collectors.toMap(AttributeProto::getName, Function.identity()));
    boolean transB = attrs.containsKey("transB") && attrs.get("transB").getI() == 1;
    boolean plain =
        (!attrs.containsKey("alpha") || attrs.get("alpha").getF() == 1f)
            && (!attrs.containsKey("transA") || attrs.get("transA").getI() == 0)
            && attrs.keySet().stream()
                .allMatch(a -> List.of("alpha", "transA", "transB").contains(a));
    TensorProto weight = initializers.get(node.getInput(1));
    if (!plain || (transB && (weight == null || weight.getDimsCount() != 2))) {
      throw new IllegalStateException(
          "no standard ONNX form for FusedMatMul " + node.getName() + " " + attrs.keySet());
    }
    String b = node.getInput(1);
    if (transB) {
      b = node.getName() + "_weight_transposed";
      graph.addNode(
          NodeProto.newBuilder()
              .setOpType("Transpose")
              .setName(b)
              .addInput(node.getInput(1))
              .addOutput(b)
              .addAttribute(Attr.ints("perm", 1, 0)));
    }
    graph.addNode(
        NodeProto.newBuilder()
            .setOpType("MatMul")
            .setName(node.getName())
            .addInput(node.getInput(0))
            .addInput(b)
            .addOutput(node.getOutput(0)));
  }
}
