package dev.tempdb.core.sink;

/**
 * Publishing or withdrawing credentials failed. Messages never contain secret values.
 *
 * <p>A permanent failure cannot heal by retrying the same request (a name already taken by someone
 * else, a requester AWS cannot tag); anything else (an unreachable or throttling service, missing
 * permissions an admin can add) is retried with backoff.
 */
public class SinkException extends RuntimeException {
  private final boolean permanent;

  private SinkException(String message, Throwable cause, boolean permanent) {
    super(message, cause);
    this.permanent = permanent;
  }

  public static SinkException permanent(String message) {
    return new SinkException(message, null, true);
  }

  public static SinkException retryable(String message, Throwable cause) {
    return new SinkException(message, cause, false);
  }

  public boolean isPermanent() {
    return permanent;
  }
}
