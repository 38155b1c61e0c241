package dev.tempdb.core.lease;

import dev.tempdb.api.v1alpha1.DurationSyntax;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Turns a request's {@code ttl} or {@code expiresAt} and its target's limits into a {@link Lease}.
 * The lease counts from when access was first granted, so raising {@code ttl} later extends the
 * same lease and lowering it ends the lease sooner; {@code maxTtl} always caps the whole lease.
 */
public final class LeasePolicy {
  private final Duration defaultTtl;
  private final Duration maxTtl;

  public LeasePolicy(String defaultTtl, String maxTtl) {
    this.defaultTtl = Durations.parse(defaultTtl, "AccessTarget spec.defaultTtl");
    this.maxTtl = Durations.parse(maxTtl, "AccessTarget spec.maxTtl");
    // Checked here, not per request: such a target is not Ready, rather than every request that
    // names no ttl failing for something its requester did not write.
    if (this.defaultTtl.compareTo(this.maxTtl) > 0) {
      throw new InvalidRequestException(
          "AccessTarget spec.defaultTtl",
          defaultTtl
              + " is longer than spec.maxTtl ("
              + maxTtl
              + "); shorten defaultTtl or raise maxTtl");
    }
  }

  /**
   * @param grantedAt when access was first granted, or now for a request not granted yet
   * @param ttl the request's spec.ttl, may be null
   * @param expiresAt the request's spec.expiresAt, may be null
   */
  public Lease leaseFor(Instant grantedAt, String ttl, String expiresAt) {
    if (ttl != null && expiresAt != null) {
      throw new InvalidRequestException("spec.ttl", "set either ttl or expiresAt, not both");
    }
    Instant end;
    if (expiresAt != null) {
      end = parseInstant(expiresAt);
      if (!end.isAfter(grantedAt)) {
        throw new InvalidRequestException(
            "spec.expiresAt", expiresAt + " is not after the grant time " + grantedAt);
      }
      if (Duration.between(grantedAt, end).compareTo(maxTtl) > 0) {
        throw new InvalidRequestException(
            "spec.expiresAt",
            expiresAt
                + " is more than the target's maxTtl ("
                + DurationSyntax.format(maxTtl)
                + ") after the grant time; request an earlier expiry or ask for a target with a"
                + " longer maxTtl");
      }
    } else {
      Duration requested = ttl == null ? defaultTtl : Durations.parse(ttl, "spec.ttl");
      if (requested.compareTo(maxTtl) > 0) {
        throw new InvalidRequestException(
            "spec.ttl",
            ttl
                + " is longer than the target's maxTtl ("
                + DurationSyntax.format(maxTtl)
                + "); request at most "
                + DurationSyntax.format(maxTtl));
      }
      end = grantedAt.plus(requested);
    }
    return new Lease(grantedAt, end);
  }

  private static Instant parseInstant(String value) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(
          "spec.expiresAt", "'" + value + "' is not an RFC 3339 time such as 2026-11-21T18:00:00Z");
    }
  }
}
