package dev.easel.hub;

/** A model cannot be fetched or found; the message says what to do about it. */
public class HubException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HubException(String message) {
    super(message);
  }

  public HubException(String message, Throwable cause) {
    super(message, cause);
  }
}
