package dev.tempdb.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.operator.testing.OperatorFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The privilege escalation through revocation, end to end through the operator: a temporary user
 * with CREATE plants a SECURITY DEFINER function and a view over pg_authid; after its revocation a
 * later, read-only grant to the same person must gain nothing from them. Before the fix, REASSIGN
 * OWNED handed both to the admin, so the function made anyone SUPERUSER and the view showed the
 * admin's SCRAM verifier.
 */
class LeftoversIT {
  static OperatorFixture op;

  @BeforeAll
  static void start() {
    op = new OperatorFixture();
    op.postgres()
        .superuser(
            "DROP SCHEMA IF EXISTS leftovers CASCADE",
            "CREATE SCHEMA leftovers",
            "CREATE TABLE leftovers.items (id int)",
            "DROP ROLE IF EXISTS leftovers_victim",
            "CREATE ROLE leftovers_victim NOLOGIN");
    String read =
        "GRANT USAGE ON SCHEMA leftovers TO {username};"
            + " GRANT SELECT ON ALL TABLES IN SCHEMA leftovers TO {username};";
    op.target(
        "leftovers-creator", read + " GRANT CREATE ON SCHEMA leftovers TO {username};", null, "8h");
    op.target("leftovers-read", read, null, "8h");
  }

  @AfterAll
  static void stop() {
    op.close();
  }

  @Test
  void aLaterReadOnlyGrantGainsNothingFromWhatAnEarlierGrantPlanted() throws SQLException {
    TemporaryDbAccess creator = granted("leftovers-1", "leftovers-creator");
    try (Connection c = login(creator);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE FUNCTION leftovers.promote() RETURNS void LANGUAGE sql SECURITY DEFINER"
              + " AS 'ALTER ROLE leftovers_victim SUPERUSER'");
      s.execute(
          "CREATE FUNCTION leftovers.verifier() RETURNS text LANGUAGE sql SECURITY DEFINER"
              + " AS $$SELECT rolpassword FROM pg_authid WHERE rolname = 'tempdb_admin'$$");
      s.execute("CREATE VIEW leftovers.secrets AS SELECT rolname, rolpassword FROM pg_authid");
      s.execute("GRANT SELECT ON leftovers.secrets TO PUBLIC");
    }
    op.client().resource(creator).delete();
    op.awaitGone("leftovers-1");

    TemporaryDbAccess reader = granted("leftovers-2", "leftovers-read");
    try (Connection c = login(reader);
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("SELECT leftovers.promote()"))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> s.executeQuery("SELECT leftovers.verifier()").next())
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM leftovers.secrets").next())
          .isInstanceOf(SQLException.class);
    }
    assertThat(superuser("leftovers_victim")).isFalse();
    assertThat(ownerOf("leftovers.secrets")).isEqualTo("tempdb_orphans");
  }

  private static TemporaryDbAccess granted(String name, String target) {
    op.request(name, target, "mallory@acme-corp.example", "1h");
    return op.awaitPhase(name, Phase.Active);
  }

  private static Connection login(TemporaryDbAccess access) throws SQLException {
    return op.postgres().login(access.getStatus().getUsername(), op.publishedPassword(access));
  }

  private static boolean superuser(String role) throws SQLException {
    return queryOne("SELECT rolsuper::text FROM pg_roles WHERE rolname = '" + role + "'")
        .equals("true");
  }

  private static String ownerOf(String view) throws SQLException {
    return queryOne(
        "SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = '"
            + view
            + "'::regclass");
  }

  private static String queryOne(String sql) throws SQLException {
    try (Connection c = op.postgres().superuserDataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
