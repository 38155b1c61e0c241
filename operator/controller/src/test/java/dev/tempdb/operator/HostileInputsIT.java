package dev.tempdb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.HostileInputs;
import dev.tempdb.api.v1alpha1.HostileInputs.Kind;
import dev.tempdb.api.v1alpha1.HostileInputs.Outcome;
import dev.tempdb.api.v1alpha1.HostileInputs.Row;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessSpec;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.PostgresFixture;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.testing.LogCapture;
import dev.tempdb.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of {@link HostileInputs} against the real operator: the mock API server enforces no
 * schema, so what the CRD refuses must be refused by the operator too. All rows run at once (one
 * operator, one burst of resources); each parameterised case then checks one row: where it ended,
 * that its message names the field and the fix, that nothing was created for it (no database user,
 * no Secret), and that it settled rather than retrying hot. The last cases check that no password
 * reached a log line, an event or a status.
 */
class HostileInputsIT {
  private static final String TARGET = "hostile-readonly";
  private static final String GRANT_SQL =
      "GRANT USAGE ON SCHEMA hostile TO {username};\n"
          + "GRANT SELECT ON ALL TABLES IN SCHEMA hostile TO {username};";
  private static final Duration SETTLE = Duration.ofSeconds(60);

  /** Twice the tests' recheck interval: a request waiting on something is looked at again. */
  private static final Duration QUIET = Duration.ofSeconds(4);

  private static LogCapture logs;
  private static OperatorFixture op;
  // Keyed by Row.toString(): each call of HostileInputs.rows() makes new rows (and lambdas).
  private static final Map<String, String> requestOf = new LinkedHashMap<>();
  private static final Map<String, String> targetOf = new HashMap<>();
  private static final Map<String, String> serverOf = new HashMap<>();
  private static final Map<String, String> usernameBeforeEdit = new HashMap<>();
  private static final Map<String, Row> rowsByKey = new LinkedHashMap<>();
  private static Map<String, String> versionsAfterSettling;
  private static Map<String, String> versionsAfterQuiet;
  private static Map<String, Integer> eventsAfterSettling;
  private static Map<String, Integer> eventsAfterQuiet;

  static Stream<Row> rows() {
    return HostileInputs.rows().stream();
  }

  @BeforeAll
  static void runEveryRowAtOnce() {
    logs = new LogCapture();
    op = new OperatorFixture();
    op.postgres()
        .superuser(
            "DROP SCHEMA IF EXISTS hostile CASCADE",
            "CREATE SCHEMA hostile",
            "CREATE TABLE hostile.items (id int PRIMARY KEY)",
            "INSERT INTO hostile.items VALUES (1)");
    op.target(TARGET, GRANT_SQL, null, "8h");
    int i = 0;
    for (Row row : HostileInputs.rows()) {
      String name = "hostile-" + i++;
      requestOf.put(row.toString(), name);
      rowsByKey.put(row.toString(), row);
      switch (row.kind()) {
        case REQUEST -> create(request(name, edited(row, HostileInputs.requestSpec(TARGET))));
        case EDIT -> create(request(name, HostileInputs.requestSpec(TARGET)));
        case TARGET -> {
          String target = name + "-target";
          targetOf.put(row.toString(), target);
          ObjectNode spec =
              edited(row, HostileInputs.targetSpec(OperatorFixture.SERVER, GRANT_SQL));
          create(
              typed(
                  HostileInputs.resource("AccessTarget", OperatorFixture.CONTROL_NS, target, spec),
                  AccessTarget.class));
          create(request(name, HostileInputs.requestSpec(target)));
        }
        case SERVER -> {
          String server = name + "-server";
          String target = name + "-target";
          serverOf.put(row.toString(), server);
          targetOf.put(row.toString(), target);
          ObjectNode spec =
              edited(
                  row,
                  HostileInputs.serverSpec(
                      op.postgres().port(), "postgres", OperatorFixture.SERVER + "-admin"));
          create(
              typed(
                  HostileInputs.resource(
                      "DatabaseServer", OperatorFixture.CONTROL_NS, server, spec),
                  DatabaseServer.class));
          create(
              typed(
                  HostileInputs.resource(
                      "AccessTarget",
                      OperatorFixture.CONTROL_NS,
                      target,
                      HostileInputs.targetSpec(server, GRANT_SQL)),
                  AccessTarget.class));
          create(request(name, HostileInputs.requestSpec(target)));
        }
      }
    }
    editActiveRequests();
    Awaitility.await()
        .atMost(SETTLE)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> rowsByKey.values().stream().allMatch(HostileInputsIT::settled));
    versionsAfterSettling = versions();
    eventsAfterSettling = eventCounts();
    // Nothing may change any more: no status rewritten, no event repeated. Waiting ends early at
    // the first change; each row then checks its own resources.
    try {
      Awaitility.await()
          .during(QUIET)
          .atMost(QUIET.plusSeconds(2))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> versions().equals(versionsAfterSettling));
    } catch (ConditionTimeoutException changed) {
      // reported per row below
    }
    versionsAfterQuiet = versions();
    eventsAfterQuiet = eventCounts();
  }

  @AfterAll
  static void stop() {
    if (op != null) {
      op.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void theOperatorRefusesOrAcceptsTheRowAsTheTableSays(Row row) {
    TemporaryDbAccess access = op.get(requestOf.get(row.toString()));
    String message = access.getStatus().getMessage();
    switch (row.outcome()) {
      case REQUEST_FAILED -> {
        assertThat(access.getStatus().getPhase()).isEqualTo(Phase.Failed);
        assertThat(ready(access).getReason()).isEqualTo(Reasons.INVALID_REQUEST);
        assertNamesFieldAndFix(row, message);
      }
      case REQUEST_PENDING -> {
        assertThat(access.getStatus().getPhase()).isEqualTo(Phase.Pending);
        assertNamesFieldAndFix(row, message);
      }
      case TARGET_NOT_READY -> {
        AccessTarget target = target(targetOf.get(row.toString()));
        Condition ready =
            Conditions.find(target.getStatus().getConditions(), "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertNamesFieldAndFix(row, ready.getMessage());
        assertThat(access.getStatus().getPhase()).isEqualTo(Phase.Pending);
        assertThat(ready(access).getReason()).isEqualTo(Reasons.TARGET_NOT_READY);
      }
      case ACTIVE -> {
        assertThat(access.getStatus().getPhase()).isEqualTo(Phase.Active);
        assertThat(ready(access).getReason()).isEqualTo(Reasons.GRANTED);
      }
      case SERVER_NOT_READY -> {
        DatabaseServer server = server(serverOf.get(row.toString()));
        Condition ready =
            Conditions.find(server.getStatus().getConditions(), "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo(Reasons.INVALID_SPEC);
        assertNamesFieldAndFix(row, ready.getMessage());
        assertThat(target(targetOf.get(row.toString())).getStatus().getConditions())
            .anySatisfy(c -> assertThat(c.getStatus()).isEqualTo("False"));
        assertThat(access.getStatus().getPhase()).isEqualTo(Phase.Pending);
        assertThat(ready(access).getReason()).isEqualTo(Reasons.TARGET_NOT_READY);
      }
      case GRANT_REFUSED -> {
        assertThat(access.getStatus().getPhase()).isEqualTo(Phase.Failed);
        assertThat(ready(access).getReason()).isEqualTo(Reasons.GRANT_FAILED);
        assertNamesFieldAndFix(row, message);
      }
      case CHANGE_REFUSED -> {
        assertThat(access.getStatus().getPhase()).isEqualTo(Phase.Active);
        assertThat(ready(access).getReason()).isEqualTo(Reasons.CHANGE_REFUSED);
        assertNamesFieldAndFix(row, message);
        // Access continues exactly as granted: same user, same target, same requester.
        assertThat(access.getStatus().getUsername())
            .isEqualTo(usernameBeforeEdit.get(row.toString()));
        assertThat(access.getStatus().getGrantedFor().getTarget()).isEqualTo(TARGET);
        assertThat(access.getStatus().getGrantedFor().getRequester())
            .isEqualTo(HostileInputs.requestSpec(TARGET).get("requester").asText());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void aRefusedRowLeavesNoDatabaseUserAndNoSecret(Row row) throws SQLException {
    String name = requestOf.get(row.toString());
    boolean granted = row.kind() == Kind.EDIT || row.outcome() == Outcome.ACTIVE;
    assertThat(usersOwnedBy(name)).hasSize(granted ? 1 : 0);
    assertThat(secretsOf(name)).hasSize(granted ? 1 : 0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void theRowSettledAndStaysSettled(Row row) {
    String name = requestOf.get(row.toString());
    for (String key :
        List.of(
            "request/" + name,
            "target/" + targetOf.get(row.toString()),
            "server/" + serverOf.get(row.toString()))) {
      assertThat(versionsAfterQuiet.get(key))
          .as("%s unchanged after settling", key)
          .isEqualTo(versionsAfterSettling.get(key));
    }
    assertThat(eventsAfterQuiet.get(name))
        .as("no event repeated after settling")
        .isEqualTo(eventsAfterSettling.get(name));
    // At most one warning per distinct problem: retries do not flood events.
    assertThat(eventsAfterSettling.get(name)).isLessThanOrEqualTo(3);
  }

  /** One request with a missing requester once stopped the sweep on every server (an NPE). */
  @Test
  void theOrphanSweepStillRemovesAnOrphanWithEveryHostileRequestPresent() throws SQLException {
    try (DatabaseEngine engine =
        DatabaseEngines.open(op.postgres().endpoint("sweep"), Clock.systemUTC())) {
      engine.provision(
          new UserGrant(
              "tdb_hostile_orphan_abcdefgh",
              Passwords.generate(),
              Instant.now().plusSeconds(3600),
              1,
              "",
              "team-a/deleted-long-ago"));
    }

    Map<String, List<String>> removed = op.app().sweeper().sweepOnce();

    assertThat(removed.values().stream().flatMap(List::stream))
        .contains("tdb_hostile_orphan_abcdefgh");
    try (Connection c = op.postgres().superuserDataSource().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) FROM pg_roles WHERE rolname = 'tdb_hostile_orphan_abcdefgh'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void noPasswordReachedALogLineAnEventOrAStatus() {
    List<String> passwords = new ArrayList<>();
    passwords.add(PostgresFixture.ADMIN_PASSWORD);
    for (String name : requestOf.values()) {
      TemporaryDbAccess access = op.get(name);
      if (access.getStatus().getPhase() == Phase.Active) {
        passwords.add(op.publishedPassword(access));
      }
    }
    assertThat(passwords).hasSizeGreaterThan(5);
    String everything =
        String.join("\n", logs.lines())
            + op.client().v1().events().inAnyNamespace().list().getItems().stream()
                .map(e -> e.getMessage())
                .toList()
            + requestOf.values().stream()
                .map(n -> Serialization.asJson(op.get(n).getStatus()))
                .toList();
    for (String password : passwords) {
      assertThat(everything).doesNotContain(password);
    }
  }

  // --- running the rows

  private static ObjectNode edited(Row row, ObjectNode spec) {
    row.edit().accept(spec);
    return spec;
  }

  private static TemporaryDbAccess request(String name, ObjectNode spec) {
    return typed(
        HostileInputs.resource("TemporaryDbAccess", OperatorFixture.REQUESTS_NS, name, spec),
        TemporaryDbAccess.class);
  }

  private static <T extends HasMetadata> T typed(ObjectNode resource, Class<T> type) {
    return Serialization.unmarshal(resource.toString(), type);
  }

  private static void create(HasMetadata resource) {
    op.client().resource(resource).create();
  }

  /** Waits for the edit rows' requests to be Active, then applies each row's edit to its spec. */
  private static void editActiveRequests() {
    for (Map.Entry<String, String> e : requestOf.entrySet()) {
      Row row = rowsByKey.get(e.getKey());
      if (row.kind() != Kind.EDIT) {
        continue;
      }
      TemporaryDbAccess active = op.awaitPhase(e.getValue(), Phase.Active);
      usernameBeforeEdit.put(e.getKey(), active.getStatus().getUsername());
      op.client()
          .resources(TemporaryDbAccess.class)
          .inNamespace(OperatorFixture.REQUESTS_NS)
          .withName(e.getValue())
          .edit(
              t -> {
                ObjectNode spec = Serialization.jsonMapper().valueToTree(t.getSpec());
                row.edit().accept(spec);
                t.setSpec(
                    Serialization.jsonMapper().convertValue(spec, TemporaryDbAccessSpec.class));
                return t;
              });
    }
  }

  /** Whether the row's request reached what its outcome says, with the status for its spec. */
  private static boolean settled(Row row) {
    TemporaryDbAccess access = op.get(requestOf.get(row.toString()));
    if (access == null
        || access.getStatus() == null
        || !access
            .getMetadata()
            .getGeneration()
            .equals(access.getStatus().getObservedGeneration())) {
      return false;
    }
    Phase phase = access.getStatus().getPhase();
    Condition ready = ready(access);
    return switch (row.outcome()) {
      case REQUEST_FAILED -> phase == Phase.Failed;
      case REQUEST_PENDING -> phase == Phase.Pending;
      case TARGET_NOT_READY ->
          phase == Phase.Pending
              && Reasons.TARGET_NOT_READY.equals(ready.getReason())
              && reflectsTarget(access, targetOf.get(row.toString()));
      case ACTIVE -> phase == Phase.Active;
      case GRANT_REFUSED -> phase == Phase.Failed;
      case CHANGE_REFUSED -> Reasons.CHANGE_REFUSED.equals(ready.getReason());
      case SERVER_NOT_READY ->
          phase == Phase.Pending
              && server(serverOf.get(row.toString())).getStatus() != null
              && Reasons.TARGET_NOT_READY.equals(ready.getReason())
              && reflectsTarget(access, targetOf.get(row.toString()));
    };
  }

  /**
   * A waiting request repeats its target's Ready message, which can still change while the target's
   * own inputs (its server's status) arrive: settled only once it says the latest one.
   */
  private static boolean reflectsTarget(TemporaryDbAccess access, String targetName) {
    AccessTarget target = target(targetName);
    if (target.getStatus() == null
        || !target
            .getMetadata()
            .getGeneration()
            .equals(target.getStatus().getObservedGeneration())) {
      return false;
    }
    return Conditions.find(target.getStatus().getConditions(), Conditions.READY)
        .map(c -> access.getStatus().getMessage().endsWith(c.getMessage()))
        .orElse(false);
  }

  private static void assertNamesFieldAndFix(Row row, String message) {
    assertThat(message).as("names the field").contains(row.field());
    assertThat(message).as("says what to do").contains(row.fix());
  }

  private static Condition ready(TemporaryDbAccess access) {
    return Conditions.find(access.getStatus().getConditions(), Conditions.READY).orElseThrow();
  }

  private static AccessTarget target(String name) {
    return op.client()
        .resources(AccessTarget.class)
        .inNamespace(OperatorFixture.CONTROL_NS)
        .withName(name)
        .get();
  }

  private static DatabaseServer server(String name) {
    return op.client()
        .resources(DatabaseServer.class)
        .inNamespace(OperatorFixture.CONTROL_NS)
        .withName(name)
        .get();
  }

  /** Resource versions of every row's request, target and server. */
  private static Map<String, String> versions() {
    Map<String, String> versions = new HashMap<>();
    for (Map.Entry<String, String> e : requestOf.entrySet()) {
      versions.put(
          "request/" + e.getValue(), op.get(e.getValue()).getMetadata().getResourceVersion());
      String target = targetOf.get(e.getKey());
      if (target != null) {
        versions.put("target/" + target, target(target).getMetadata().getResourceVersion());
      }
      String server = serverOf.get(e.getKey());
      if (server != null) {
        versions.put("server/" + server, server(server).getMetadata().getResourceVersion());
      }
    }
    return versions;
  }

  private static Map<String, Integer> eventCounts() {
    Map<String, Integer> counts = new HashMap<>();
    requestOf.values().forEach(n -> counts.put(n, 0));
    op.client()
        .v1()
        .events()
        .inNamespace(OperatorFixture.REQUESTS_NS)
        .list()
        .getItems()
        .forEach(e -> counts.computeIfPresent(e.getInvolvedObject().getName(), (k, v) -> v + 1));
    return counts;
  }

  /** Database users whose operator comment names this request. */
  private static List<String> usersOwnedBy(String name) throws SQLException {
    List<String> users = new ArrayList<>();
    try (Connection c = op.postgres().superuserDataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT rolname FROM pg_roles WHERE shobj_description(oid, 'pg_authid') LIKE ?")) {
      ps.setString(1, "% owner=" + OperatorFixture.REQUESTS_NS + "/" + name + " %");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          users.add(rs.getString(1));
        }
      }
    }
    return users;
  }

  private static List<String> secretsOf(String name) {
    String uid = op.get(name).getMetadata().getUid();
    return op.client().secrets().inNamespace(OperatorFixture.REQUESTS_NS).list().getItems().stream()
        .filter(
            s ->
                s.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid())))
        .map(s -> s.getMetadata().getName())
        .toList();
  }
}
