package dev.tempdb.sym;

import dev.tempdb.api.v1alpha1.ApiConstants;
import dev.tempdb.api.v1alpha1.DurationSyntax;
import dev.tempdb.api.v1alpha1.Requesters;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Maps a Sym escalate event to the TemporaryDbAccess it asks for. Pure: no I/O. */
public final class AccessRequests {
  public static final String ANNOTATION_PREFIX = "sym.tempdb.dev/";
  public static final String RUN = ANNOTATION_PREFIX + "run";
  public static final String FLOW = ANNOTATION_PREFIX + "flow";
  public static final String SYM_TARGET = ANNOTATION_PREFIX + "target";
  public static final String APPROVER = ANNOTATION_PREFIX + "approver";
  public static final String EVENT = ANNOTATION_PREFIX + "escalate-event";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "tempdb-sym-bridge";

  private static final Pattern NAME = Pattern.compile(ApiConstants.NAME_PATTERN);
  private static final Pattern RUN_ID = Pattern.compile("^[a-z0-9][a-z0-9-]{0,54}$");
  private static final int REASON_MAX = 1024;
  private static final int ANNOTATION_VALUE_MAX = 1024;

  private AccessRequests() {}

  /**
   * The resource name for a Sym run: {@code sym-<run uuid>}, so a repeated escalate finds the grant
   * it made and the de-escalate finds it without any lookup. A run id that is not a plain
   * lower-case id (Sym's are uuids) is replaced by a hash of the whole SRN, still deterministic.
   */
  public static String resourceName(SymEvent event) {
    String id = event.runId().toLowerCase(Locale.ROOT);
    if (RUN_ID.matcher(id).matches() && !id.endsWith("-")) {
      return "sym-" + id;
    }
    return "sym-" + sha256(event.runSrn()).substring(0, 32);
  }

  /**
   * @throws SymRequestException when the requester or target cannot be used, naming the field
   */
  public static TemporaryDbAccess toResource(SymEvent event, BridgeSettings settings) {
    String requester = event.requester();
    Optional<String> problem = Requesters.problem(requester);
    if (problem.isPresent()) {
      // The problem names a refused character by code point, so nothing invisible is echoed.
      throw SymRequestException.invalid(
          "The requester (run.actors.request.username) cannot be granted access: it "
              + problem.get()
              + ".");
    }
    String target = settings.accessTarget(event.symTarget());
    if (target.length() > 253 || !NAME.matcher(target).matches()) {
      throw SymRequestException.invalid(
          "The Sym target \""
              + abbreviate(event.symTarget(), 80)
              + "\" is not a valid AccessTarget name; map it to one in TEMPDB_SYM_TARGETS, e.g. "
              + event.symTarget()
              + "=readonly.");
    }
    String name = resourceName(event);
    TemporaryDbAccessSpec spec = new TemporaryDbAccessSpec();
    spec.setTarget(target);
    spec.setRequester(requester);
    spec.setReason(event.reason() == null ? null : abbreviate(event.reason(), REASON_MAX));
    spec.setTtl(event.duration().map(DurationSyntax::format).orElse(null));
    // The run id names the AWS secret (tempdb/{requester}/{requestId}), so the requester can tell
    // their secrets apart by the Sym request they came from.
    spec.setRequestId(name.substring("sym-".length()));
    if (!settings.delivery().isEmpty()) {
      spec.setDelivery(settings.delivery());
    }

    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(RUN, event.runSrn());
    putIfPresent(annotations, FLOW, event.flow());
    annotations.put(SYM_TARGET, event.symTarget());
    putIfPresent(annotations, APPROVER, event.approver());
    putIfPresent(annotations, EVENT, event.eventId());

    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(settings.namespace());
    meta.setLabels(Map.of(MANAGED_BY_LABEL, MANAGED_BY));
    meta.setAnnotations(annotations);

    TemporaryDbAccess access = new TemporaryDbAccess();
    access.setMetadata(meta);
    access.setSpec(spec);
    return access;
  }

  /**
   * Whether an existing resource is the grant this event asks for, so a repeated escalate may reuse
   * it: same run, requester and target.
   */
  public static boolean isSameRequest(TemporaryDbAccess existing, TemporaryDbAccess wanted) {
    Map<String, String> annotations = existing.getMetadata().getAnnotations();
    return annotations != null
        && wanted.getMetadata().getAnnotations().get(RUN).equals(annotations.get(RUN))
        && existing.getSpec() != null
        && wanted.getSpec().getRequester().equals(existing.getSpec().getRequester())
        && wanted.getSpec().getTarget().equals(existing.getSpec().getTarget());
  }

  /** Whether a resource was made by the bridge for this Sym run (and may be deleted for it). */
  public static boolean belongsToRun(TemporaryDbAccess existing, String runSrn) {
    Map<String, String> annotations = existing.getMetadata().getAnnotations();
    return annotations != null && runSrn.equals(annotations.get(RUN));
  }

  private static void putIfPresent(Map<String, String> map, String key, String value) {
    if (value != null) {
      map.put(key, abbreviate(value, ANNOTATION_VALUE_MAX));
    }
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
