package dev.tempdb.core.sink;

/** Publishing or withdrawing credentials failed. Messages never contain secret values. */
public class SinkException extends RuntimeException {
  public SinkException(String message, Throwable cause) {
    super(message, cause);
  }
}
