package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole lifecycle with an admin that is not a superuser, as on RDS or Cloud SQL: CREATEROLE,
 * pg_signal_backend, and ownership of the schema it grants on. This is the privilege set
 * docs/security.md recommends. What the user left goes to the operator's heir; the admin borrows
 * the heir's membership for the revocation's transaction only.
 */
class NonSuperuserAdminIT {
  private static final String ADMIN = "tempdb_limited_admin";
  private static final String ADMIN_PASSWORD = Passwords.generate();
  private static PostgresFixture pg;
  private static DatabaseEngine engine;

  @BeforeAll
  static void start() {
    pg = PostgresFixture.get();
    pg.superuser(
        "DROP SCHEMA IF EXISTS limited CASCADE",
        "DROP ROLE IF EXISTS " + ADMIN,
        "CREATE ROLE " + ADMIN + " LOGIN CREATEROLE PASSWORD '" + ADMIN_PASSWORD + "'",
        "GRANT pg_signal_backend TO " + ADMIN,
        "CREATE SCHEMA limited AUTHORIZATION " + ADMIN,
        "CREATE TABLE limited.notes (id int)",
        "ALTER TABLE limited.notes OWNER TO " + ADMIN);
    // The operator's heir may exist already, created by the superuser admin of another test; a DBA
    // gives a new admin what creating the heir would have given it (see OrphanOwner).
    pg.superuser(
        "DO $$BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '"
            + OrphanOwner.OPERATOR_HEIR
            + "') THEN GRANT "
            + OrphanOwner.OPERATOR_HEIR
            + " TO "
            + ADMIN
            + " WITH ADMIN OPTION, INHERIT FALSE, SET FALSE; END IF; END$$");
    engine =
        DatabaseEngines.open(
            new ServerEndpoint(
                "test/limited",
                Engine.POSTGRESQL,
                "127.0.0.1",
                pg.port(),
                "postgres",
                ADMIN,
                ADMIN_PASSWORD,
                TlsMode.DISABLE,
                null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(15),
                2,
                null),
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @Test
  void grantsEndsSessionsReassignsAndDropsWithoutSuperuser() throws SQLException {
    String user = "tdb_limited_" + Long.toHexString(System.nanoTime());
    String password = Passwords.generate();
    engine.provision(
        new UserGrant(
            user,
            password,
            Instant.now().plusSeconds(600),
            3,
            "GRANT USAGE, CREATE ON SCHEMA limited TO {username};"
                + " GRANT SELECT ON limited.notes TO {username};",
            "limited-test"));
    Connection session = pg.login(user, password);
    session.createStatement().execute("SELECT count(*) FROM limited.notes");
    session.createStatement().execute("CREATE TABLE limited.left_behind (x int)");

    RevocationResult result = engine.revoke(user, null);

    assertThat(result.outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(result.sessionsTerminated()).isGreaterThanOrEqualTo(1);
    assertThatThrownBy(() -> session.createStatement().execute("SELECT 1"))
        .isInstanceOf(SQLException.class);
    session.close();
    try (Connection c = pg.superuserDataSource().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT (SELECT count(*) FROM pg_roles WHERE rolname = '"
                        + user
                        + "'), (SELECT tableowner FROM pg_tables WHERE tablename = 'left_behind'),"
                        + " (SELECT count(*) FROM pg_auth_members m JOIN pg_roles r"
                        + " ON r.oid = m.member WHERE r.rolname = '"
                        + ADMIN
                        + "' AND (m.inherit_option OR m.set_option)"
                        + " AND m.roleid NOT IN (SELECT oid FROM pg_roles WHERE rolname ="
                        + " 'pg_signal_backend'))")) {
      rs.next();
      assertThat(rs.getInt(1)).as("user dropped").isZero();
      assertThat(rs.getString(2))
          .as("table handed to the heir, never the admin")
          .isEqualTo(OrphanOwner.OPERATOR_HEIR);
      assertThat(rs.getInt(3))
          .as("the admin keeps no membership that gives rights (in the users or the heir)")
          .isZero();
    }
  }
}
