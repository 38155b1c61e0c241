package dev.tempdb.operator.lifecycle;

import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.sink.SinkException;
import dev.tempdb.operator.status.ConditionException;

/**
 * The one classification of failures in the lifecycle. Permanent: retrying cannot help until
 * someone changes something, so the request fails or says what to fix. Everything else is
 * retryable: it is thrown, JOSDK retries with backoff, and the error handler says so in status.
 * Engines decide permanence from their server's error codes ({@code PostgresErrors}, {@code
 * MysqlErrors}); sinks from their API's.
 */
final class Failures {
  private Failures() {}

  static boolean isPermanent(RuntimeException e) {
    if (e instanceof EngineException engine) {
      return engine.isPermanent();
    }
    if (e instanceof SinkException sink) {
      return sink.isPermanent();
    }
    return e instanceof ConditionException;
  }
}
