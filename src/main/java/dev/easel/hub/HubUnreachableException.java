package dev.easel.hub;

/** The hub could not be contacted at all (no network, DNS, refused, timed out), or offline mode. */
public class HubUnreachableException extends HubException {
  private static final long serialVersionUID = 1L;

  public HubUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
