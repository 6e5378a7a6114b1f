package dev.easel.model.safetensors;

import java.nio.file.Path;

/** A safetensors file that cannot be read as it claims; the message names the file and tensor. */
public class SafeTensorsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SafeTensorsException(Path file, String message) {
    super(file + ": " + message);
  }

  public SafeTensorsException(Path file, String message, Throwable cause) {
    super(file + ": " + message, cause);
  }
}
