package dev.tempdb.core.sink.aws;

import static dev.tempdb.core.sink.aws.SecretsManagerFailures.accessDenied;
import static dev.tempdb.core.sink.aws.SecretsManagerFailures.failure;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Finds the secrets this operator installation published and tells whether a secret is one of them.
 * A secret is ours only when both its uid tag and its managed-by tag say so; the operator policy
 * does not even let us describe any other, so an access denial is read as "not ours".
 */
final class InstallationSecrets {
  private static final Logger LOG = LoggerFactory.getLogger(InstallationSecrets.class);

  private final SecretsManagerClient client;
  private final String managedBy;

  InstallationSecrets(SecretsManagerClient client, String managedBy) {
    this.client = client;
    this.managedBy = managedBy;
  }

  /** Published by this installation for this request: both tags must say so. */
  boolean ours(String uid, List<Tag> tags) {
    Map<String, String> byKey = tagsOf(tags);
    return uid.equals(byKey.get(SecretTags.UID))
        && managedBy.equals(byKey.get(SecretTags.MANAGED_BY));
  }

  /** Whether {@code name} is a live secret (not scheduled for deletion) of this request. */
  boolean publishedHere(String uid, String name) {
    try {
      DescribeSecretResponse existing = client.describeSecret(b -> b.secretId(name));
      return ours(uid, existing.tags()) && existing.deletedDate() == null;
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
        .anyMatch(s -> name.equals(s.name()) && ours(uid, s.tags()));
  }

  /**
   * Names of live secrets carrying this uid tag and this installation's managed-by tag. Others are
   * never ours, and the operator policy does not even let us describe them.
   */
  List<String> namesTaggedWith(String uid) {
    return listTagged(SecretTags.UID, uid).stream()
        .filter(s -> managedBy.equals(tagsOf(s.tags()).get(SecretTags.MANAGED_BY)))
        .map(SecretListEntry::name)
        .toList();
  }

  /** Every live secret carrying this installation's managed-by tag. */
  List<SecretListEntry> managedHere() {
    return listTagged(SecretTags.MANAGED_BY, managedBy);
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

  static Map<String, String> tagsOf(List<Tag> tags) {
    return tags == null
        ? Map.of()
        : tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
  }
}
