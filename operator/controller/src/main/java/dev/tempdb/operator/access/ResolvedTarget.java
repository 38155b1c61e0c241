package dev.tempdb.operator.access;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.core.lease.LeasePolicy;
import java.util.List;

/** Everything a request needs from its target, read once per reconcile. */
public record ResolvedTarget(
    AccessTarget target,
    DatabaseServer server,
    LeasePolicy leasePolicy,
    String grantSql,
    String revokeSql,
    List<DeliveryMethod> delivery) {}
