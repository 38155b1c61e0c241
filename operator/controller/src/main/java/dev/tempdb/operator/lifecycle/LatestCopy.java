package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import java.util.Optional;

/**
 * Reads a request as the API server has it now, not as an informer cache has it: a grant rotates a
 * password, so it is decided only on a copy at least as new as the last status written.
 */
@FunctionalInterface
public interface LatestCopy {
  /** The request as stored now; empty when it is gone. */
  Optional<TemporaryDbAccess> of(TemporaryDbAccess access);
}
