package dev.tempdb.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One approved, time-limited access to a database: a temporary user whose credentials are published
 * to the requester and removed when the resource expires or is deleted.
 */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@ShortNames("tda")
@KindDescription(
    value =
        "One approved, time-limited access to a database: the operator creates a temporary user,"
            + " publishes its credentials, and removes both at expiry or when this is deleted.",
    spec = "Who asked for which target, why, and for how long.",
    status =
        "The grant's phase, database user, lease times and where the credentials were published"
            + " (references only, never secret values).")
@AdditionalPrinterColumn(name = "Target", jsonPath = ".spec.target")
@AdditionalPrinterColumn(name = "Requester", jsonPath = ".spec.requester")
@AdditionalPrinterColumn(name = "User", jsonPath = ".status.username")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
// A string, not a date: kubectl renders future dates as "<invalid>".
@AdditionalPrinterColumn(name = "Expires", jsonPath = ".status.expiresAt")
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".spec.reason", priority = 1)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class TemporaryDbAccess
    extends CustomResource<TemporaryDbAccessSpec, TemporaryDbAccessStatus> implements Namespaced {
  /**
   * The way out of a deletion whose revocation cannot succeed (its server is gone for good, the
   * admin lost its rights): an admin sets it, with the reason as its value, and the next failed
   * attempt lets the request go, leaving the database user behind, recorded in a
   * RevocationAbandoned event. Who may patch requests may set it: give that only to admins.
   */
  public static final String ABANDON_REVOCATION = "tempdb.dev/abandon-revocation";
}
