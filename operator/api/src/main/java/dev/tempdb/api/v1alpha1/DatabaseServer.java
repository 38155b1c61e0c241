package dev.tempdb.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A PostgreSQL, MySQL or MariaDB server that temporary users are created on. */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@ShortNames("dbs")
@KindDescription(
    value =
        "A PostgreSQL, MySQL or MariaDB server that temporary users are created on. Lives in the"
            + " operator's control namespace, next to the Secret with its admin login.",
    spec = "How the operator reaches the server, and what it publishes to users.",
    status = "Whether the operator can log in with the admin login, and the server version.")
@AdditionalPrinterColumn(name = "Engine", jsonPath = ".spec.engine")
@AdditionalPrinterColumn(name = "Host", jsonPath = ".spec.host")
@AdditionalPrinterColumn(name = "Database", jsonPath = ".spec.database")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.serverVersion", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class DatabaseServer extends CustomResource<DatabaseServerSpec, DatabaseServerStatus>
    implements Namespaced {}
