package dev.tempdb.operator.status;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Objects;

/** Status is patched only when it changed: compared as the JSON the API server would store. */
public final class StatusPatches {
  private StatusPatches() {}

  public static boolean changed(Object stored, Object next) {
    if (next == null) {
      return false;
    }
    return stored == null
        || !Objects.equals(
            Serialization.jsonMapper().valueToTree(stored),
            Serialization.jsonMapper().valueToTree(next));
  }
}
