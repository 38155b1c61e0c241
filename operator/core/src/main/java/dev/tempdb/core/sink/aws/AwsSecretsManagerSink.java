package dev.tempdb.core.sink.aws;

import static dev.tempdb.core.sink.aws.SecretsManagerFailures.accessDenied;
import static dev.tempdb.core.sink.aws.SecretsManagerFailures.failure;
import static dev.tempdb.core.sink.aws.SecretsManagerFailures.nameTaken;
import static dev.tempdb.core.sink.aws.SecretsManagerFailures.nameTakenByAnother;

import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.core.sink.CredentialSink;
import dev.tempdb.core.sink.Credentials;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.PublishedSecret;
import dev.tempdb.core.sink.SinkException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Publishes credentials as one AWS Secrets Manager secret per request, tagged with the requester so
 * that an IAM policy lets only them read it (see deploy/aws/).
 *
 * <p>Idempotent: a retry after a crash finds the secret it created and stores a new version in it;
 * a secret this request deleted that is still in its recovery window is restored and reused. A
 * secret of the same name that belongs to another request, or to nobody we know, is never touched:
 * that is a permanent failure naming the fix. Withdrawing deletes the secret by name and also any
 * secret tagged with this request's uid (found with ListSecrets), so a secret published under an
 * older name template is not left behind.
 *
 * <p>Telling which secrets are this installation's is {@link InstallationSecrets}' job; the
 * secret's JSON value is {@link SecretJson}'s.
 */
public final class AwsSecretsManagerSink implements CredentialSink {
  private static final Logger LOG = LoggerFactory.getLogger(AwsSecretsManagerSink.class);

  private final SecretsManagerClient client;
  private final AwsSecretsManagerSettings settings;
  private final InstallationSecrets secrets;

  public AwsSecretsManagerSink(SecretsManagerClient client, AwsSecretsManagerSettings settings) {
    this.client = client;
    this.settings = settings;
    this.secrets = new InstallationSecrets(client, settings.managedBy());
  }

  @Override
  public DeliveryMethod method() {
    return DeliveryMethod.AwsSecretsManager;
  }

  @Override
  public PublishedSecret publish(GrantOwner owner, Credentials credentials) {
    String name = settings.names().render(owner);
    List<Tag> tags =
        awsTags(
            SecretTags.forGrant(
                owner, settings.requesterTagKey(), settings.managedBy(), credentials.expiresAt()));
    String value = SecretJson.of(credentials);
    try {
      String arn =
          client
              .createSecret(
                  b ->
                      b.name(name)
                          .description(description(owner))
                          .kmsKeyId(settings.kmsKeyId())
                          .secretString(value)
                          .tags(tags))
              .arn();
      LOG.info("Published credentials of {} to AWS secret {}", owner.key(), name);
      return new PublishedSecret(name, arn);
    } catch (ResourceExistsException | InvalidRequestException taken) {
      // The name exists, or is scheduled for deletion (InvalidRequestException): ours from an
      // earlier attempt, or someone else's.
      return republish(owner, name, value, tags, taken, credentials.password());
    } catch (SdkException e) {
      throw failure("CreateSecret", name, e, credentials.password());
    }
  }

  private PublishedSecret republish(
      GrantOwner owner,
      String name,
      String value,
      List<Tag> tags,
      SdkException taken,
      String password) {
    DescribeSecretResponse existing;
    try {
      existing = client.describeSecret(b -> b.secretId(name));
    } catch (ResourceNotFoundException gone) {
      throw SinkException.retryable(
          "AWS secret " + name + " was being deleted while publishing to it; will retry", taken);
    } catch (SdkException e) {
      if (accessDenied(e)) {
        // CreateSecret was allowed (the name is taken, not forbidden), so the operator policy is
        // in place and only lets us see our own secrets: this one is not ours.
        throw SinkException.permanent(nameTakenByAnother(name, taken, settings.managedBy()));
      }
      throw failure("DescribeSecret", name, e, password);
    }
    if (!secrets.ours(owner.uid(), existing.tags())) {
      throw SinkException.permanent(
          nameTaken(name, InstallationSecrets.tagsOf(existing.tags()), existing.deletedDate()));
    }
    if (existing.deletedDate() == null && taken instanceof InvalidRequestException) {
      // Not the scheduled-deletion case: some other state AWS refuses; say what it said.
      throw failure("CreateSecret", name, taken, password);
    }
    try {
      if (existing.deletedDate() != null) {
        client.restoreSecret(b -> b.secretId(name));
        LOG.info("Restored AWS secret {} of {}, deleted by an earlier attempt", name, owner.key());
      }
      client.putSecretValue(b -> b.secretId(name).secretString(value));
      client.tagResource(b -> b.secretId(name).tags(tags));
    } catch (SdkException e) {
      throw failure("PutSecretValue", name, e, password);
    }
    LOG.info("Published credentials of {} as a new version of AWS secret {}", owner.key(), name);
    return new PublishedSecret(name, existing.arn());
  }

  @Override
  public void updateExpiry(GrantOwner owner, Instant expiresAt) {
    String name = settings.names().render(owner);
    try {
      if (!secrets.publishedHere(owner.uid(), name)) {
        return; // nothing of this request published here
      }
      String current = client.getSecretValue(b -> b.secretId(name)).secretString();
      String updated = SecretJson.withExpiry(current, expiresAt);
      if (updated != null) {
        client.putSecretValue(b -> b.secretId(name).secretString(updated));
      } else {
        // Someone replaced the value with something else: leave it, move the tag only.
        LOG.warn("AWS secret {} does not hold the JSON this operator wrote; expiry tag only", name);
      }
      // The operator policy allows TagResource only when the request restates this
      // installation's managed-by tag, so that tagging can never hand a secret to anyone else.
      client.tagResource(
          b ->
              b.secretId(name)
                  .tags(
                      tag(SecretTags.EXPIRES_AT, expiresAt.toString()),
                      tag(SecretTags.MANAGED_BY, settings.managedBy())));
    } catch (SdkException e) {
      throw failure("PutSecretValue", name, e, null);
    }
  }

  @Override
  public void withdraw(GrantOwner owner) {
    Set<String> names = new LinkedHashSet<>();
    try {
      names.add(settings.names().render(owner));
    } catch (SinkException tooLong) {
      // Never published under that name; the tag search below still finds anything else.
    }
    String primary = names.isEmpty() ? null : names.iterator().next();
    names.addAll(secrets.namesTaggedWith(owner.uid()));
    for (String name : names) {
      try {
        deleteIfOwned(owner, name);
      } catch (SinkException e) {
        if (name.equals(primary)) {
          throw e;
        }
        // Found only by its tag (an older template, or someone else's secret carrying our tags):
        // a failure there must not block the revocation forever.
        LOG.warn(
            "Could not delete AWS secret {} tagged for {}: {}", name, owner.key(), e.getMessage());
      }
    }
  }

  /**
   * A secret this operator installation published, as the orphan sweep sees it.
   *
   * @param namespace the namespace of the request it was published for
   * @param uid the uid of that request
   */
  public record Published(String name, String namespace, String uid, Instant createdAt) {}

  /** Every live secret carrying this installation's {@code tempdb.dev/managed-by} tag. */
  public List<Published> listPublished() {
    List<Published> published = new ArrayList<>();
    for (SecretListEntry secret : secrets.managedHere()) {
      Map<String, String> tags = InstallationSecrets.tagsOf(secret.tags());
      if (tags.containsKey(SecretTags.UID)) {
        published.add(
            new Published(
                secret.name(),
                tags.get(SecretTags.NAMESPACE),
                tags.get(SecretTags.UID),
                secret.createdDate()));
      }
    }
    return published;
  }

  /** Deletes a secret whose request is gone, as {@link #withdraw} would have. */
  public void deleteOrphan(Published orphan) {
    deleteIfOwned(orphan.uid(), orphan.name(), orphan.namespace() + " (request gone)");
  }

  private void deleteIfOwned(GrantOwner owner, String name) {
    deleteIfOwned(owner.uid(), name, owner.key());
  }

  private void deleteIfOwned(String uid, String name, String whose) {
    try {
      if (!secrets.publishedHere(uid, name)) {
        return; // gone, not ours, or already deleted
      }
      client.deleteSecret(
          b -> {
            b.secretId(name);
            if (settings.recoveryWindowDays() == 0) {
              b.forceDeleteWithoutRecovery(true);
            } else {
              b.recoveryWindowInDays((long) settings.recoveryWindowDays());
            }
          });
      LOG.info("Deleted AWS secret {} of {}", name, whose);
    } catch (ResourceNotFoundException alreadyGone) {
      // deleted between our look and the delete
    } catch (SdkException e) {
      throw failure("DeleteSecret", name, e, null);
    }
  }

  private static String description(GrantOwner owner) {
    return "Temporary database credentials for "
        + owner.requester()
        + " (TemporaryDbAccess "
        + owner.key()
        + "). Managed by tempdb-operator: deleted when the access ends.";
  }

  private static List<Tag> awsTags(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> tag(e.getKey(), e.getValue())).toList();
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }
}
