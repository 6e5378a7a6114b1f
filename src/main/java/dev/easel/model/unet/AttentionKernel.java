package dev.easel.model.unet;

/** How the UNet's attention is written into the graph. */
public enum AttentionKernel {
  /** Plain ONNX operators: per-head MatMul, Softmax, MatMul. */
  MATMUL,
  /** ONNX Runtime's fused {@code com.microsoft.MultiHeadAttention} contrib operator. */
  MULTI_HEAD_ATTENTION
}
