package dev.tempdb.core.sink;

import dev.tempdb.api.v1alpha1.DeliveryMethod;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes credentials as a Secret {@code <name>-credentials} in the namespace of the request,
 * owned by it (so Kubernetes garbage-collects it even if the operator never gets to). A Secret of
 * that name that this request does not own is never overwritten or deleted.
 */
public final class KubernetesSecretSink implements CredentialSink {
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "tempdb-operator";
  public static final String ACCESS_LABEL = "tempdb.dev/access";
  public static final String EXPIRES_ANNOTATION = "tempdb.dev/expires-at";
  private static final String SUFFIX = "-credentials";

  private final KubernetesClient client;

  public KubernetesSecretSink(KubernetesClient client) {
    this.client = client;
  }

  public static String secretName(GrantOwner owner) {
    String base = owner.name();
    int room = 253 - SUFFIX.length();
    if (base.length() > room) {
      base = base.substring(0, room).replaceAll("[-.]+$", "");
    }
    return base + SUFFIX;
  }

  @Override
  public DeliveryMethod method() {
    return DeliveryMethod.KubernetesSecret;
  }

  @Override
  public PublishedSecret publish(GrantOwner owner, Credentials credentials) {
    String name = secretName(owner);
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(owner.namespace())
            .addToLabels(MANAGED_BY_LABEL, MANAGED_BY)
            .addToLabels(ACCESS_LABEL, labelValue(owner.name()))
            .addToAnnotations(EXPIRES_ANNOTATION, credentials.expiresAt().toString())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(owner.apiVersion())
                    .withKind(owner.kind())
                    .withName(owner.name())
                    .withUid(owner.uid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withType("Opaque")
            // data, not stringData: what we write is then exactly what a GET returns.
            .withData(encodeAll(credentials.asMap()))
            .build();
    var resource = client.secrets().inNamespace(owner.namespace()).resource(secret);
    try {
      resource.create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e; // API trouble heals; the reconcile is retried with backoff
      }
      if (owned(owner, name) == null) {
        throw SinkException.permanent(
            "Secret "
                + owner.namespace()
                + "/"
                + name
                + " exists and does not belong to this request; rename or delete it, or give the"
                + " request another name");
      }
      resource.update();
    }
    return new PublishedSecret(name, null);
  }

  @Override
  public void updateExpiry(GrantOwner owner, Instant expiresAt) {
    String name = secretName(owner);
    if (owned(owner, name) == null) {
      return;
    }
    client
        .secrets()
        .inNamespace(owner.namespace())
        .withName(name)
        .edit(
            s -> {
              s.getMetadata().getAnnotations().put(EXPIRES_ANNOTATION, expiresAt.toString());
              s.getData().put("expiresAt", base64(expiresAt.toString()));
              return s;
            });
  }

  @Override
  public void withdraw(GrantOwner owner) {
    String name = secretName(owner);
    // A Secret of that name that is not ours is none of our business: nothing of ours to withdraw.
    if (owned(owner, name) != null) {
      client.secrets().inNamespace(owner.namespace()).withName(name).delete();
    }
  }

  /** The Secret if it exists and this request owns it, else null. */
  private Secret owned(GrantOwner owner, String name) {
    Secret existing = client.secrets().inNamespace(owner.namespace()).withName(name).get();
    if (existing == null) {
      return null;
    }
    boolean ours =
        existing.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> owner.uid().equals(ref.getUid()));
    return ours ? existing : null;
  }

  /** Label values are limited to 63 characters. */
  private static String labelValue(String name) {
    return name.length() <= 63 ? name : name.substring(0, 63).replaceAll("[-.]+$", "");
  }

  private static Map<String, String> encodeAll(Map<String, String> values) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, base64(v)));
    return out;
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
