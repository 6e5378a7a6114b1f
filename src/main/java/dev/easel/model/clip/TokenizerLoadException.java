package dev.easel.model.clip;

/** A tokenizer folder is missing a file or holds one that cannot be read. */
public class TokenizerLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TokenizerLoadException(String message) {
    super(message);
  }

  public TokenizerLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
