package dev.tempdb.core.sink;

import dev.tempdb.api.v1alpha1.DeliveryMethod;
import java.time.Instant;

/**
 * A place credentials are published to. Every method is idempotent: publishing twice replaces,
 * withdrawing what is not there succeeds. Implementations never log or echo secret values.
 */
public interface CredentialSink {

  DeliveryMethod method();

  /** Creates or replaces the credentials; returns where they are, to record in status. */
  PublishedSecret publish(GrantOwner owner, Credentials credentials);

  /** Moves the expiry published beside the credentials, keeping the password. */
  void updateExpiry(GrantOwner owner, Instant expiresAt);

  /** Deletes what {@link #publish} wrote; absent counts as success. */
  void withdraw(GrantOwner owner);
}
