package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.core.sink.CredentialSink;
import dev.tempdb.core.sink.Credentials;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.PublishedSecret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A credential store in memory, keyed by the request that owns each entry. */
final class FakeSink implements CredentialSink {
  private final DeliveryMethod method;
  final Map<String, Credentials> published = new LinkedHashMap<>();
  final Map<String, Instant> expiry = new LinkedHashMap<>();
  final List<String> calls = new ArrayList<>();
  RuntimeException failPublish;
  RuntimeException failWithdraw;

  FakeSink(DeliveryMethod method) {
    this.method = method;
  }

  @Override
  public DeliveryMethod method() {
    return method;
  }

  @Override
  public PublishedSecret publish(GrantOwner owner, Credentials credentials) {
    calls.add("publish " + owner.key());
    RuntimeException failure = failPublish;
    failPublish = null;
    if (failure != null) {
      throw failure;
    }
    published.put(owner.key(), credentials);
    return new PublishedSecret(
        "tempdb-" + owner.name(),
        method == DeliveryMethod.AwsSecretsManager ? "arn:aws:fake:" + owner.name() : null);
  }

  @Override
  public void updateExpiry(GrantOwner owner, Instant expiresAt) {
    calls.add("updateExpiry " + owner.key());
    expiry.put(owner.key(), expiresAt);
  }

  @Override
  public void withdraw(GrantOwner owner) {
    calls.add("withdraw " + owner.key());
    RuntimeException failure = failWithdraw;
    failWithdraw = null;
    if (failure != null) {
      throw failure;
    }
    published.remove(owner.key());
  }
}
