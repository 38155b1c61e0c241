package dev.tempdb.core.sink.aws;

import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.SinkException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The tags on each published secret: the requester under the configured key (what the end-user IAM
 * policy matches), which operator manages it, and which request it belongs to.
 */
public final class SecretTags {
  public static final String MANAGED_BY = "tempdb.dev/managed-by";
  public static final String NAMESPACE = "tempdb.dev/namespace";
  public static final String NAME = "tempdb.dev/name";
  public static final String UID = "tempdb.dev/uid";
  public static final String REQUEST_ID = "tempdb.dev/request-id";
  public static final String EXPIRES_AT = "tempdb.dev/expires-at";

  /** AWS's tag character set, for keys (1-128) and values (0-256). */
  private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

  private static final Pattern NOT_ALLOWED = Pattern.compile("[^\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]");

  private SecretTags() {}

  /** What is wrong with a tag key, if anything. */
  public static Optional<String> keyProblem(String key) {
    if (key == null || key.isEmpty() || key.length() > 128) {
      return Optional.of("must be 1 to 128 characters");
    }
    if (key.toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
      return Optional.of("must not start with aws:, which AWS reserves");
    }
    if (!ALLOWED.matcher(key).matches()) {
      return Optional.of("may only hold letters, digits, spaces and _.:/=+-@");
    }
    return Optional.empty();
  }

  /** What is wrong with a tag value, if anything. */
  public static Optional<String> valueProblem(String value) {
    if (value.length() > 256) {
      return Optional.of("must be at most 256 characters");
    }
    if (!ALLOWED.matcher(value).matches()) {
      return Optional.of("may only hold letters, digits, spaces and _.:/=+-@");
    }
    return Optional.empty();
  }

  /**
   * @throws SinkException (permanent) when the requester cannot be a tag value: the IAM policy
   *     compares it as is, so it must not be altered
   */
  public static Map<String, String> forGrant(
      GrantOwner owner, String requesterKey, String managedBy, Instant expiresAt) {
    valueProblem(owner.requester())
        .ifPresent(
            problem -> {
              throw SinkException.permanent(
                  "requester '"
                      + owner.requester()
                      + "' cannot be an AWS tag value (it "
                      + problem
                      + "), and the requester's IAM policy matches that tag; deliver to"
                      + " KubernetesSecret instead, or request with an identity AWS can tag");
            });
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(requesterKey, owner.requester());
    tags.put(MANAGED_BY, managedBy);
    tags.put(NAMESPACE, owner.namespace());
    tags.put(NAME, owner.name());
    tags.put(UID, owner.uid());
    if (owner.requestId() != null) {
      String id = NOT_ALLOWED.matcher(owner.requestId()).replaceAll("_");
      tags.put(REQUEST_ID, id.length() > 256 ? id.substring(0, 256) : id);
    }
    tags.put(EXPIRES_AT, expiresAt.toString());
    return tags;
  }
}
