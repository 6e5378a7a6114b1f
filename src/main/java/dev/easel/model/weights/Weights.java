package dev.easel.model.weights;

import java.nio.ByteBuffer;

/**
 * A component's named tensors (its state dict) as graph builders ask for them. Builders state the
 * shape they expect from the config, so a mismatch is reported by name rather than by ONNX Runtime.
 */
public interface Weights {
  /**
   * The tensor as little-endian float32 in a direct buffer (zero-copy when the file holds float32).
   *
   * @throws dev.easel.model.ModelException when the tensor is missing or its shape differs
   */
  ByteBuffer float32(String key, long... shape);

  /** Whether the tensor exists (for optional parts that the config cannot tell about). */
  boolean contains(String key);

  /** Where the tensors come from, for messages. */
  String source();
}
