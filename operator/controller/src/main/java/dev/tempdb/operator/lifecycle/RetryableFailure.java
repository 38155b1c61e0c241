package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;

/**
 * Thrown so JOSDK retries with backoff, carrying the status that says why; the reconciler's error
 * handler records that status rather than building its own.
 */
final class RetryableFailure extends RuntimeException {
  private final transient TemporaryDbAccessStatus status;

  RetryableFailure(TemporaryDbAccessStatus status, RuntimeException cause) {
    super(cause.getMessage(), cause);
    this.status = status;
  }

  TemporaryDbAccessStatus status() {
    return status;
  }
}
