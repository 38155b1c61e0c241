package dev.tempdb.sym;

/**
 * A Sym event the bridge cannot act on, or a grant that did not come about. The message is one
 * sentence a person can act on: Sym shows it in Slack, so it never holds a stack trace or a secret.
 */
public class SymRequestException extends RuntimeException {
  private final Kind kind;

  /** What went wrong, which the webhook turns into an HTTP status. */
  public enum Kind {
    /** The event itself is malformed or incomplete: fix the sender or the flow. */
    INVALID_EVENT,
    /** The operator refused or could not complete the grant. */
    GRANT_REFUSED,
    /** The grant did not settle within the wait; nothing was left granted. */
    TIMED_OUT,
    /** The Kubernetes API could not be reached or refused the bridge. */
    UNAVAILABLE
  }

  public SymRequestException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public static SymRequestException invalid(String message) {
    return new SymRequestException(Kind.INVALID_EVENT, message);
  }

  public Kind kind() {
    return kind;
  }
}
