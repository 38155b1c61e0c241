package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import java.time.Duration;

/**
 * What one pass over a request decided.
 *
 * @param status the status to store (patched only if it differs from the stored one)
 * @param recheckIn when to look again, or null for only on change
 * @param done nothing is left to do: on deletion the finalizer may go; otherwise the audit
 *     retention of an ended request is over and the resource may be deleted
 */
public record Step(
    TemporaryDbAccessStatus status, Duration recheckIn, boolean done, boolean revocationAbandoned) {
  public Step(TemporaryDbAccessStatus status, Duration recheckIn, boolean done) {
    this(status, recheckIn, done, false);
  }

  public static Step then(TemporaryDbAccessStatus status, Duration recheckIn) {
    return new Step(status, recheckIn, false);
  }

  public static Step finished() {
    return new Step(null, null, true);
  }

  /** Deletion: the finalizer may go although revocation failed, as an admin asked. */
  public static Step abandoned() {
    return new Step(null, null, true, true);
  }
}
