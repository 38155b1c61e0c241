package dev.tempdb.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A requestable target: which server, which rights (grant SQL), and for how long at most. */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@ShortNames("dbt")
@KindDescription(
    value =
        "A requestable kind of access, named like the Sym target (e.g. readonly): which server,"
            + " which rights (grant SQL) and for how long at most. Lives in the operator's control"
            + " namespace.",
    spec = "The server, the grant and revoke SQL, and the lease limits.",
    status = "Whether requests for this target can be granted, and how many are active.")
@AdditionalPrinterColumn(name = "Server", jsonPath = ".spec.server")
@AdditionalPrinterColumn(name = "Strategy", jsonPath = ".spec.strategy")
@AdditionalPrinterColumn(name = "Default TTL", jsonPath = ".spec.defaultTtl")
@AdditionalPrinterColumn(name = "Max TTL", jsonPath = ".spec.maxTtl")
@AdditionalPrinterColumn(
    name = "Active",
    jsonPath = ".status.activeGrants",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class AccessTarget extends CustomResource<AccessTargetSpec, AccessTargetStatus>
    implements Namespaced {}
