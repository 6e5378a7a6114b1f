package dev.easel.runtime;

/** ONNX Runtime refused to load or run a graph. */
public class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }

  public InferenceException(String message) {
    super(message);
  }
}
