package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.sink.CredentialSink;
import dev.tempdb.operator.access.CredentialSinks;
import dev.tempdb.operator.access.ResolvedTarget;
import dev.tempdb.operator.access.TargetResolver;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Builds the {@link RequestView} of a pass: the one read of targets, servers and sinks. */
final class RequestViews {
  private final TargetResolver resolver;
  private final CredentialSinks sinks;
  private final Clock clock;

  RequestViews(TargetResolver resolver, CredentialSinks sinks, Clock clock) {
    this.resolver = resolver;
    this.sinks = sinks;
    this.clock = clock;
  }

  RequestView of(TemporaryDbAccess access) {
    TemporaryDbAccessStatus stored = access.getStatus();
    Optional<AccessTarget> target = resolver.target(access.getSpec().getTarget());
    ResolvedTarget resolved = null;
    RuntimeException unavailable = null;
    List<CredentialSink> deliverTo = List.of();
    try {
      resolved = resolver.resolve(access);
      deliverTo = sinks.forMethods(resolved.delivery()); // a delivery the operator lacks: wait
    } catch (RuntimeException e) {
      // Kept, not thrown: expiry, revocation, retention and deletion never wait for the target.
      resolved = null;
      unavailable = e;
    }
    String serverName =
        stored != null && stored.getServer() != null
            ? stored.getServer()
            : target.map(t -> t.getSpec().getServer()).orElse(null);
    Optional<DatabaseServer> server =
        serverName == null ? Optional.empty() : resolver.server(serverName);
    String revokeSql = null;
    String revokeSqlProblem = null;
    try {
      // Resolving read it already when the target is Ready; else it is read on its own, since
      // revocation does not wait for the target to be Ready.
      revokeSql =
          resolved != null
              ? resolved.revokeSql()
              : target.map(t -> resolver.sql(t.getSpec().getRevoke(), "spec.revoke")).orElse(null);
    } catch (RuntimeException e) {
      revokeSqlProblem = e.getMessage();
    }
    return new RequestView(
        access,
        clock.instant(),
        strategy(stored, target),
        target,
        resolved,
        unavailable,
        deliverTo,
        server,
        serverName,
        withdrawFrom(access, target),
        revokeSql,
        revokeSqlProblem,
        resolver.controlNamespace());
  }

  /**
   * The strategy recorded when the grant started; for a status written before it was recorded, what
   * the status shows (recorded roles mean RoleGrant, any other grant TemporaryUser); for a request
   * not granted yet, the target's.
   */
  static Strategy strategy(TemporaryDbAccessStatus stored, Optional<AccessTarget> target) {
    if (stored != null && stored.getStrategy() != null) {
      return stored.getStrategy();
    }
    if (stored != null && stored.getRoles() != null) {
      return Strategy.RoleGrant;
    }
    Phase phase = stored == null ? null : stored.getPhase();
    if (phase == Phase.Active || phase == Phase.Revoking) {
      return Strategy.TemporaryUser;
    }
    return target.map(t -> t.getSpec().getStrategy()).orElse(Strategy.TemporaryUser);
  }

  /**
   * The sinks that may hold this request's credentials: a Kubernetes Secret always (cheap to
   * check), AWS if status recorded a secret there or the request or its target delivers there (a
   * crash may have published before status recorded it). Not every configured sink: an AWS outage
   * must not hold up requests that never used AWS.
   */
  private List<CredentialSink> withdrawFrom(
      TemporaryDbAccess access, Optional<AccessTarget> target) {
    Set<DeliveryMethod> methods = EnumSet.of(DeliveryMethod.KubernetesSecret);
    TemporaryDbAccessStatus stored = access.getStatus();
    if (stored != null
        && stored.getCredentials() != null
        && stored.getCredentials().getAwsSecretName() != null) {
      methods.add(DeliveryMethod.AwsSecretsManager);
    }
    if (access.getSpec().getDelivery() != null) {
      methods.addAll(access.getSpec().getDelivery());
    } else {
      // With no target to ask, what status recorded is all we know.
      target.map(t -> t.getSpec().getDelivery()).ifPresent(methods::addAll);
    }
    return sinks.configured(methods);
  }
}
