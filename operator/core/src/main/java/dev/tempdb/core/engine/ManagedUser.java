package dev.tempdb.core.engine;

import java.time.Instant;

/**
 * A user this operator created, as listed by the orphan sweep.
 *
 * @param createdAt when the operator created it, or null when the engine does not record it
 */
public record ManagedUser(String username, Instant createdAt) {}
