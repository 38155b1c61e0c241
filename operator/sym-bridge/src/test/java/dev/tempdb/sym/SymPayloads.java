package dev.tempdb.sym;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tempdb.core.testing.ProjectFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.function.Consumer;

/** The Sym payloads in samples/sym/ (copies of what Sym sends), and variants of them. */
public final class SymPayloads {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final String RUN_ID = "9b2e6c1d-3f4a-4e8b-8c7d-1a2b3c4d5e6f";
  public static final String RUN_SRN = "acme-corp:run:db_access:2.0.0:" + RUN_ID;
  public static final String REQUESTER = "dana.lee@acme-corp.example";

  private SymPayloads() {}

  public static ObjectNode escalate() {
    return read("escalate-readonly.json");
  }

  public static ObjectNode deescalate() {
    return read("deescalate-readonly.json");
  }

  /** The sample with a change applied, e.g. a different run or a missing field. */
  public static ObjectNode escalate(Consumer<ObjectNode> change) {
    ObjectNode event = escalate();
    change.accept(event);
    return event;
  }

  public static ObjectNode deescalate(Consumer<ObjectNode> change) {
    ObjectNode event = deescalate();
    change.accept(event);
    return event;
  }

  /** Gives both events of a request a new run id, as a second Sym request would have. */
  public static void run(ObjectNode event, String runId) {
    ((ObjectNode) event.get("run")).put("srn", "acme-corp:run:db_access:2.0.0:" + runId);
  }

  public static ObjectNode fields(ObjectNode event) {
    return (ObjectNode) event.get("fields");
  }

  public static ObjectNode requester(ObjectNode event) {
    return (ObjectNode) event.at("/run/actors/request");
  }

  private static ObjectNode read(String file) {
    try {
      return (ObjectNode)
          JSON.readTree(
              Files.readAllBytes(ProjectFiles.topLevel("samples").resolve("sym").resolve(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
