package dev.tempdb.sym;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads a Sym event. Only the paths Sym documents as stable are used: the requester comes from
 * {@code run.actors.request.username}, never from {@code identity}, whose shape differs between
 * events (Slack ids on escalate, an email on a scheduled de-escalate).
 */
public final class SymEvents {
  private SymEvents() {}

  /**
   * @throws SymRequestException naming the missing or malformed field
   */
  public static SymEvent parse(JsonNode event) {
    if (event == null || !event.isObject()) {
      throw SymRequestException.invalid(
          "The request body is not a Sym event (a JSON object); check what calls this function.");
    }
    SymEvent.Type type = type(text(event, "event", "type"));
    String srn = required(event, "run.srn", "run", "srn");
    String runId = srn.substring(srn.lastIndexOf(':') + 1);
    if (runId.isBlank()) {
      throw SymRequestException.invalid(
          "run.srn \""
              + srn
              + "\" does not end in a run id; it should look like"
              + " org:run:flow:version:uuid.");
    }
    String requester = text(event, "run", "actors", "request", "username");
    String target = text(event, "fields", "target", "name");
    Optional<Duration> duration = Optional.empty();
    if (type == SymEvent.Type.ESCALATE) {
      // De-escalate only needs the run: it must work even when the flow's fields changed.
      if (requester == null) {
        throw missing("run.actors.request.username");
      }
      if (target == null) {
        throw missing("fields.target.name");
      }
      duration = SymDurations.parse(event.at("/fields/duration"));
    }
    String approver = text(event, "run", "actors", "approve", "username");
    if (approver == null && type == SymEvent.Type.ESCALATE) {
      approver = text(event, "actor", "username");
    }
    return new SymEvent(
        type,
        srn,
        runId,
        text(event, "run", "flow"),
        requester,
        target,
        text(event, "fields", "reason"),
        duration,
        approver,
        text(event, "id"));
  }

  private static SymEvent.Type type(String type) {
    if ("escalate".equals(type)) {
      return SymEvent.Type.ESCALATE;
    }
    if ("deescalate".equals(type)) {
      return SymEvent.Type.DEESCALATE;
    }
    if (type == null) {
      throw missing("event.type");
    }
    throw SymRequestException.invalid(
        "event.type \""
            + type
            + "\" is not handled; this function only handles escalate and deescalate.");
  }

  private static String required(JsonNode event, String field, String... path) {
    String value = text(event, path);
    if (value == null) {
      throw missing(field);
    }
    return value;
  }

  private static SymRequestException missing(String field) {
    return SymRequestException.invalid(
        "The Sym event has no " + field + "; check that the flow sends it.");
  }

  /** A non-blank string at the path, trimmed; null when absent, null or blank. */
  private static String text(JsonNode node, String... path) {
    for (String step : path) {
      node = node.path(step);
    }
    if (!node.isValueNode() || node.isNull()) {
      return null;
    }
    String text = node.asText().trim();
    return text.isEmpty() ? null : text;
  }
}
