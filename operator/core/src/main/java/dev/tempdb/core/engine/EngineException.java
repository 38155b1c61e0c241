package dev.tempdb.core.engine;

/**
 * A database operation failed. {@link #isPermanent()} tells retrying apart from fixing something: a
 * broken connection heals, a grant statement naming a missing table does not. Messages carry the
 * server's error text and never a password (passwords do not travel in SQL text; see {@code
 * PostgresEngine}).
 */
public class EngineException extends RuntimeException {
  private final boolean permanent;

  public EngineException(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  public boolean isPermanent() {
    return permanent;
  }
}
