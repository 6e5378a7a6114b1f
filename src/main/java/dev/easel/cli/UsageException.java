package dev.easel.cli;

/** A command was given input it cannot use; reported as a usage error (exit code 2). */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
