package dev.tempdb.core.sink.aws;

import static dev.tempdb.core.sink.aws.SecretsManagerFailures.accessDenied;
import static dev.tempdb.core.sink.aws.SecretsManagerFailures.failure;
import static dev.tempdb.core.sink.aws.SecretsManagerFailures.nameTaken;
import static dev.tempdb.core.sink.aws.SecretsManagerFailures.nameTakenByAnother;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.core.sink.CredentialSink;
import dev.tempdb.core.sink.Credentials;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.PublishedSecret;
import dev.tempdb.core.sink.SinkException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
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
 */
public final class AwsSecretsManagerSink implements CredentialSink {
  private static final Logger LOG = LoggerFactory.getLogger(AwsSecretsManagerSink.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SecretsManagerClient client;
  private final AwsSecretsManagerSettings settings;

  public AwsSecretsManagerSink(SecretsManagerClient client, AwsSecretsManagerSettings settings) {
    this.client = client;
    this.settings = settings;
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
    String value = secretValue(credentials);
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
    if (!belongsTo(owner, existing)) {
      throw SinkException.permanent(
          nameTaken(name, tagsOf(existing.tags()), existing.deletedDate()));
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
      if (!publishedHere(owner.uid(), name)) {
        return; // nothing of this request published here
      }
      String current = client.getSecretValue(b -> b.secretId(name)).secretString();
      String updated = withExpiry(current, expiresAt);
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

  /**
   * The published JSON with a new expiry, or null if it is not a JSON object. The parser's own
   * message is never used: it would quote the value, password included.
   */
  private static String withExpiry(String value, Instant expiresAt) {
    try {
      if (value != null && JSON.readTree(value) instanceof ObjectNode node) {
        node.put("expiresAt", expiresAt.toString());
        return JSON.writeValueAsString(node);
      }
    } catch (JsonProcessingException notJson) {
      // handled as "not ours" below
    }
    return null;
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
    names.addAll(namesTaggedWith(owner.uid()));
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
    List<Published> published = new java.util.ArrayList<>();
    for (SecretListEntry secret : listTagged(SecretTags.MANAGED_BY, settings.managedBy())) {
      Map<String, String> tags = tagsOf(secret.tags());
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
      if (!publishedHere(uid, name)) {
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

  /**
   * Names of live secrets carrying this uid tag and this installation's managed-by tag. Others are
   * never ours, and the operator policy does not even let us describe them.
   */
  private List<String> namesTaggedWith(String uid) {
    return listTagged(SecretTags.UID, uid).stream()
        .filter(s -> settings.managedBy().equals(tagsOf(s.tags()).get(SecretTags.MANAGED_BY)))
        .map(SecretListEntry::name)
        .toList();
  }

  /**
   * Live secrets (ListSecrets hides ones scheduled for deletion) with the tag {@code key=value}.
   * The tag-key and tag-value filters match prefixes and may match different tags, so the result is
   * narrowed to exact matches of that one tag.
   */
  private List<SecretListEntry> listTagged(String key, String value) {
    try {
      return client
          .listSecretsPaginator(
              b ->
                  b.filters(
                      Filter.builder().key(FilterNameStringType.TAG_KEY).values(key).build(),
                      Filter.builder().key(FilterNameStringType.TAG_VALUE).values(value).build()))
          .stream()
          .flatMap(page -> page.secretList().stream())
          .filter(s -> value.equals(tagsOf(s.tags()).get(key)))
          .toList();
    } catch (SdkException e) {
      throw failure("ListSecrets", "tagged " + key + "=" + value, e, null);
    }
  }

  /** Whether {@code name} is a live secret (not scheduled for deletion) of this request. */
  private boolean publishedHere(String uid, String name) {
    try {
      DescribeSecretResponse existing = client.describeSecret(b -> b.secretId(name));
      return ours(uid, tagsOf(existing.tags())) && existing.deletedDate() == null;
    } catch (ResourceNotFoundException e) {
      return false;
    } catch (SdkException e) {
      if (!accessDenied(e) || listedAsOurs(uid, name)) {
        throw e; // listed as ours yet denied: the IAM policy, not the secret, is wrong
      }
      // The operator policy allows DescribeSecret only on secrets tagged with this
      // installation's managed-by value; IAM denies it for any other secret, and for a name that
      // does not exist (there are no tags to match), before Secrets Manager could say so.
      LOG.debug("AWS secret {} is not this installation's, or does not exist: left alone", name);
      return false;
    }
  }

  /** Whether ListSecrets, which IAM allows on every secret, shows {@code name} as ours. */
  private boolean listedAsOurs(String uid, String name) {
    return client
        .listSecretsPaginator(
            b -> b.filters(Filter.builder().key(FilterNameStringType.NAME).values(name).build()))
        .stream()
        .flatMap(page -> page.secretList().stream())
        .anyMatch(s -> name.equals(s.name()) && ours(uid, tagsOf(s.tags())));
  }

  private boolean belongsTo(GrantOwner owner, DescribeSecretResponse secret) {
    return ours(owner.uid(), tagsOf(secret.tags()));
  }

  /** Published by this installation for this request: both tags must say so. */
  private boolean ours(String uid, Map<String, String> tags) {
    return uid.equals(tags.get(SecretTags.UID))
        && settings.managedBy().equals(tags.get(SecretTags.MANAGED_BY));
  }

  private static String description(GrantOwner owner) {
    return "Temporary database credentials for "
        + owner.requester()
        + " (TemporaryDbAccess "
        + owner.key()
        + "). Managed by tempdb-operator: deleted when the access ends.";
  }

  /**
   * The published JSON: the same fields as the Kubernetes Secret, port as a number, plus {@code
   * dbname} so tools that read RDS-style secrets (host, port, dbname, username, password) work.
   */
  static String secretValue(Credentials credentials) {
    ObjectNode node = JSON.createObjectNode();
    credentials.asMap().forEach(node::put);
    node.put("port", credentials.port());
    node.put("dbname", credentials.database());
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise credentials", null);
    }
  }

  private static List<Tag> awsTags(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> tag(e.getKey(), e.getValue())).toList();
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static Map<String, String> tagsOf(List<Tag> tags) {
    return tags == null
        ? Map.of()
        : tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
  }
}
