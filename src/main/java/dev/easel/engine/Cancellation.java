package dev.easel.engine;

import java.util.concurrent.atomic.AtomicBoolean;

/** A flag a caller sets to stop a generation; the pipeline checks it before every step. */
public final class Cancellation {
  private final AtomicBoolean cancelled = new AtomicBoolean();

  public void cancel() {
    cancelled.set(true);
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  /** Throws {@link CancelledException} when cancelled. */
  public void check() {
    if (cancelled.get()) {
      throw new CancelledException();
    }
  }

  /** Thrown inside a pipeline when its generation was cancelled. */
  public static final class CancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CancelledException() {
      super("generation cancelled");
    }
  }
}
