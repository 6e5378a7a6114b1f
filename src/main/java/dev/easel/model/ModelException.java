package dev.easel.model;

/**
 * A model folder or component that cannot be used as it is: missing files, config values Easel does
 * not support, weights that do not match the config. The message names the file and the key.
 */
public class ModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
