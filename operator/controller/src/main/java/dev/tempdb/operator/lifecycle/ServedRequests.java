package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import java.util.List;

/**
 * Every request this operator serves, read fresh from the API (not a cache): RoleGrant's ledger of
 * who holds a role, and the orphan sweep's list of live requests.
 */
@FunctionalInterface
public interface ServedRequests {
  List<TemporaryDbAccess> list();
}
