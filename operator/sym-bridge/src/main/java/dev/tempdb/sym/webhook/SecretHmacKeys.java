package dev.tempdb.sym.webhook;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's shared secrets, read from one Kubernetes Secret: key {@code <key>} and, while
 * rotating, {@code <key>.previous}. Re-read every 30 seconds so a rotation needs no restart. A key
 * shorter than 32 bytes is ignored (and logged), because a short HMAC key can be guessed.
 */
public final class SecretHmacKeys implements Supplier<List<byte[]>> {
  private static final Logger LOG = LoggerFactory.getLogger(SecretHmacKeys.class);
  static final int MIN_KEY_BYTES = 32;
  static final Duration REREAD_AFTER = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String key;
  private final Clock clock;
  private List<byte[]> keys = List.of();
  private Instant readAt;

  public SecretHmacKeys(
      KubernetesClient client, String namespace, String name, String key, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.key = key;
    this.clock = clock;
  }

  @Override
  public synchronized List<byte[]> get() {
    Instant now = clock.instant();
    if (readAt == null || !now.isBefore(readAt.plus(REREAD_AFTER))) {
      try {
        keys = read();
        readAt = now;
      } catch (KubernetesClientException e) {
        // Keep the keys we had: a brief API outage should not lock out Sym.
        LOG.warn("Could not read the webhook secret {}/{}: HTTP {}", namespace, name, e.getCode());
      }
    }
    return keys;
  }

  private List<byte[]> read() {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null || secret.getData() == null) {
      LOG.error(
          "The webhook secret {}/{} does not exist; every request is refused until it does",
          namespace,
          name);
      return List.of();
    }
    List<byte[]> found = new ArrayList<>();
    add(found, secret.getData(), key);
    add(found, secret.getData(), key + ".previous");
    if (found.isEmpty()) {
      LOG.error(
          "The webhook secret {}/{} has no usable key {} (at least {} bytes); every request is"
              + " refused",
          namespace,
          name,
          key,
          MIN_KEY_BYTES);
    }
    return List.copyOf(found);
  }

  private void add(List<byte[]> found, Map<String, String> data, String dataKey) {
    String encoded = data.get(dataKey);
    if (encoded == null) {
      return;
    }
    byte[] decoded = Base64.getDecoder().decode(encoded);
    int length = decoded.length;
    while (length > 0 && (decoded[length - 1] == '\n' || decoded[length - 1] == '\r')) {
      length--; // a Secret made from a file usually ends in a newline the sender does not sign
    }
    byte[] value = java.util.Arrays.copyOf(decoded, length);
    if (value.length < MIN_KEY_BYTES) {
      LOG.error(
          "Key {} of the webhook secret {}/{} is shorter than {} bytes and is ignored; generate"
              + " one with: openssl rand -hex 32",
          dataKey,
          namespace,
          name,
          MIN_KEY_BYTES);
      return;
    }
    found.add(value);
  }
}
