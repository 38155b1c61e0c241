package dev.tempdb.core.engine;

/**
 * A host, port or database that cannot name a server (see {@link EndpointNames}): refused before
 * any connection is tried, and permanent until someone fixes the spec.
 */
public class InvalidEndpointException extends EngineException {
  public InvalidEndpointException(String message) {
    super(message, true, null);
  }
}
