package dev.tempdb.sym;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the Lambda and the webhook return, in the shape Sym's {@code aws_lambda} strategy reads:
 * {@code {"body": {...}, "errors": [...]}}. A non-empty {@code errors} marks the request errored in
 * Sym and is shown to people.
 *
 * @param kind why it failed, for the webhook's HTTP status; null on success
 */
public record SymResponse(
    Map<String, String> body, List<String> errors, SymRequestException.Kind kind) {

  public static SymResponse ok(Map<String, String> body) {
    // Insertion order kept: Map.copyOf's order changes from one JVM to the next.
    return new SymResponse(Collections.unmodifiableMap(new LinkedHashMap<>(body)), List.of(), null);
  }

  public static SymResponse failed(SymRequestException e) {
    return new SymResponse(Map.of(), List.of(e.getMessage()), e.kind());
  }

  /** The JSON object Sym reads; {@code kind} is ours and not sent. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("body", body);
    json.put("errors", errors);
    return json;
  }
}
