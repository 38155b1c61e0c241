package dev.tempdb.core.lease;

/**
 * A request that can never succeed as written: retrying will not help, the spec must change. The
 * message names the field and the fix, and never contains a secret.
 */
public class InvalidRequestException extends RuntimeException {
  private final String field;

  public InvalidRequestException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
