package dev.tempdb.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.AccessTargetSpec;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.GrantedRole;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.operator.status.AccessStatus;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.testing.OperatorFixture;
import dev.tempdb.operator.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The RoleGrant strategy on real databases: people's own users gain a role while a request is
 * active and lose it at the end, proven by logging in as them.
 *
 * <p>One concrete class per engine (not a parameterized class), so that each engine's report counts
 * its own tests; each class runs its own operator, started once for its tests.
 */
abstract class RoleGrantContract {
  static final String PASSWORD = "Own-Password-1";
  static OperatorFixture op;

  final Engine engineKind;
  TestDatabase db;

  RoleGrantContract(Engine engineKind) {
    this.engineKind = engineKind;
  }

  @BeforeAll
  static void start() {
    op = new OperatorFixture();
  }

  @AfterAll
  static void stop() {
    op.close();
  }

  @BeforeEach
  void prepare() {
    db = TestDatabase.of(engineKind);
    op.server(db);
    db.recreateSchema("ledger", "entries (id int)");
    db.admin("INSERT INTO ledger.entries VALUES (1)");
    db.createReadRole("ledger_reader", "ledger");
    AccessTargetSpec spec = new AccessTargetSpec();
    spec.setServer(db.key());
    spec.setStrategy(Strategy.RoleGrant);
    spec.setRoles(List.of("ledger_reader"));
    spec.setMaxTtl("8h");
    op.target(target(), spec);
  }

  private String target() {
    return "ledger-" + db.key();
  }

  private String named(String name) {
    return name + "-" + db.key();
  }

  @Test
  void theMappedUserReadsWhileGrantedAndNotOnceItExpires() throws Exception {
    db.createLoginUser("dana_lee", PASSWORD);
    assertThatThrownBy(() -> readLedger("dana_lee")).hasMessageContaining(db.permissionDenied());

    op.request(named("rg-1"), target(), "Dana-Lee@acme-corp.example", "4s");
    TemporaryDbAccess active = op.awaitPhase(named("rg-1"), Phase.Active);

    assertThat(active.getStatus().getUsername()).isEqualTo("dana_lee");
    assertThat(active.getStatus().getRoles())
        .extracting(GrantedRole::getName, GrantedRole::alreadyHeld)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ledger_reader", false));
    assertThat(active.getStatus().getCredentials()).isNull();
    assertThat(op.secret(named("rg-1") + "-credentials")).as("nothing published").isNull();
    assertThat(Conditions.isTrue(active.getStatus().getConditions(), AccessStatus.ROLES_GRANTED))
        .isTrue();
    // A new session reads without SET ROLE (MariaDB: the role became the default role; MySQL: one
    // of its default roles).
    assertThat(readLedger("dana_lee")).isEqualTo(1);

    TemporaryDbAccess expired = op.awaitPhase(named("rg-1"), Phase.Expired);
    assertThat(expired.getStatus().getMessage()).contains("ledger_reader revoked from dana_lee");
    assertThatThrownBy(() -> readLedger("dana_lee")).hasMessageContaining(db.permissionDenied());
    // Their own login is untouched.
    try (Connection c = db.login("dana_lee", PASSWORD)) {
      assertThat(c.isValid(2)).isTrue();
    }
  }

  @Test
  void aMembershipHeldBeforeTheRequestSurvivesItsEnd() throws Exception {
    db.createLoginUser("erik", PASSWORD);
    db.grantRole("ledger_reader", "erik");

    op.request(named("rg-2"), target(), "erik@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase(named("rg-2"), Phase.Active);
    assertThat(active.getStatus().getRoles()).singleElement().matches(GrantedRole::alreadyHeld);

    op.client().resource(active).delete();
    op.awaitGone(named("rg-2"));

    assertThat(readLedgerWithSetRole("erik")).as("the DBA's grant is still there").isEqualTo(1);
  }

  @Test
  void overlappingRequestsKeepTheRoleUntilTheLastOneEnds() throws Exception {
    db.createLoginUser("fay", PASSWORD);
    op.request(named("rg-3a"), target(), "fay@acme-corp.example", "1h");
    TemporaryDbAccess first = op.awaitPhase(named("rg-3a"), Phase.Active);
    op.request(named("rg-3b"), target(), "fay@acme-corp.example", "1h");
    TemporaryDbAccess second = op.awaitPhase(named("rg-3b"), Phase.Active);
    assertThat(second.getStatus().getRoles())
        .as("held now only through the first request: not 'held before'")
        .singleElement()
        .matches(r -> !r.alreadyHeld());

    op.client().resource(first).delete();
    op.awaitGone(named("rg-3a"));
    assertThat(readLedger("fay")).as("still granted through the second").isEqualTo(1);
    assertThat(
            op.eventsFor(named("rg-3a")).stream()
                .filter(e -> Reasons.REVOKED.equals(e.getReason()))
                .map(e -> e.getMessage()))
        .anyMatch(m -> m.contains("ledger_reader kept (still granted through team-a/rg-3b"));

    op.client().resource(second).delete();
    op.awaitGone(named("rg-3b"));
    assertThatThrownBy(() -> readLedger("fay")).hasMessageContaining(db.permissionDenied());
  }

  @Test
  void anUnknownMappedUserFailsCleanlyAndChangesNothing() {
    op.request(named("rg-4"), target(), "nobody-here@acme-corp.example", "1h");
    TemporaryDbAccess failed = op.awaitPhase(named("rg-4"), Phase.Failed);

    assertThat(failed.getStatus().getMessage()).contains("nobody_here");
    assertThat(failed.getStatus().getRoles()).isNull();
    assertThat(
            Conditions.find(failed.getStatus().getConditions(), Conditions.READY)
                .orElseThrow()
                .getReason())
        .isEqualTo(Reasons.DATABASE_USER_NOT_FOUND);
    op.awaitEvent(named("rg-4"), Reasons.DATABASE_USER_NOT_FOUND);
    op.client().resource(failed).delete();
    op.awaitGone(named("rg-4"));
  }

  @Test
  void aRequesterWhoseNameMapsToATemporaryUserOfTheOperatorIsRefused() {
    op.request(named("rg-5"), target(), "tdb-gus-abcdefgh@acme-corp.example", "1h");
    TemporaryDbAccess failed = op.awaitPhase(named("rg-5"), Phase.Failed);
    assertThat(failed.getStatus().getMessage()).contains("a temporary user of this operator");
    op.client().resource(failed).delete();
    op.awaitGone(named("rg-5"));
  }

  private int readLedger(String user) throws SQLException {
    try (Connection c = db.login(user, PASSWORD);
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM ledger.entries")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private int readLedgerWithSetRole(String user) throws SQLException {
    try (Connection c = db.login(user, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("SET ROLE ledger_reader");
      try (var rs = s.executeQuery("SELECT count(*) FROM ledger.entries")) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
