package dev.tempdb.core.sink.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tempdb.core.sink.Credentials;
import java.time.Instant;

/** The JSON value of a published secret, and its update when the expiry moves. */
final class SecretJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SecretJson() {}

  /**
   * The published JSON: the same fields as the Kubernetes Secret, port as a number, plus {@code
   * dbname} so tools that read RDS-style secrets (host, port, dbname, username, password) work.
   */
  static String of(Credentials credentials) {
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

  /**
   * The published JSON with a new expiry, or null if it is not a JSON object. The parser's own
   * message is never used: it would quote the value, password included.
   */
  static String withExpiry(String value, Instant expiresAt) {
    try {
      if (value != null && JSON.readTree(value) instanceof ObjectNode node) {
        node.put("expiresAt", expiresAt.toString());
        return JSON.writeValueAsString(node);
      }
    } catch (JsonProcessingException notJson) {
      // handled as "not ours" by the caller
    }
    return null;
  }
}
