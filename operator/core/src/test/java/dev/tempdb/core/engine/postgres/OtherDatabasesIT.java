package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user who created objects or was granted privileges in another database of the same server:
 * REASSIGN OWNED and DROP OWNED see only the current database, so DROP ROLE used to fail there for
 * good and the user stayed locked (terraform-provider-postgresql#203). Revocation now applies the
 * target's policy in every database that pg_shdepend names.
 */
class OtherDatabasesIT {
  private static final String OTHER = "od_other";

  @RegisterExtension static final PgTestbed db = PgTestbed.withEngine("test/other-databases");

  @BeforeAll
  static void anotherDatabase() throws SQLException {
    db.pg()
        .superuser(
            "DROP DATABASE IF EXISTS " + OTHER + " WITH (FORCE)", "CREATE DATABASE " + OTHER);
    asAdmin(OTHER, "CREATE TABLE public.shared (x int)");
  }

  @Test
  void reassignHandsOverWhatTheUserOwnsInAnotherDatabaseAndDropsItsDefinerRoutines()
      throws SQLException {
    String user = userWithObjectsInTheOtherDatabase();

    RevocationResult result = db.engine().revoke(user, null, OwnedObjects.Reassign);

    assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.DROPPED);
    assertThat(db.catalog().roleExists(user)).isFalse();
    assertThat(db.catalog().relationOwner(OTHER, "public", "t_" + user))
        .isEqualTo("tempdb_orphans");
    assertThat(
            db.catalog()
                .column(OTHER, "SELECT proname FROM pg_proc WHERE proname = 'sd_" + user + "'"))
        .as("a SECURITY DEFINER routine is dropped, never handed over")
        .isEmpty();
    assertThat(
            db.catalog()
                .column(OTHER, "SELECT relacl::text FROM pg_class WHERE relname = 'shared'"))
        .singleElement()
        .asString()
        .doesNotContain(user);
  }

  @Test
  void dropRemovesWhatTheUserOwnsInAnotherDatabase() throws SQLException {
    String user = userWithObjectsInTheOtherDatabase();

    RevocationResult result = db.engine().revoke(user, null, OwnedObjects.Drop);

    assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.DROPPED);
    assertThat(db.catalog().roleExists(user)).isFalse();
    assertThat(db.catalog().relationOwner(OTHER, "public", "t_" + user)).isNull();
    assertThat(db.catalog().relationOwner(OTHER, "public", "shared"))
        .as("other owners' objects are untouched")
        .isEqualTo(PostgresFixture.ADMIN_USER);
  }

  /** A user granted in the fixture's database that then created objects in {@link #OTHER}. */
  private static String userWithObjectsInTheOtherDatabase() throws SQLException {
    String user = PgCatalog.unique("tdb_od_");
    String password = Passwords.generate();
    db.engine()
        .provision(
            PgTestbed.grant(user, password, "GRANT CONNECT ON DATABASE postgres TO {username}"));
    asAdmin(
        OTHER,
        "GRANT CREATE ON SCHEMA public TO " + user,
        "GRANT SELECT ON public.shared TO " + user);
    try (Connection c = db.pg().login(OTHER, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE public.t_" + user + " (x int)");
      s.execute(
          "CREATE FUNCTION public.sd_"
              + user
              + "() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$SELECT 1$$");
    }
    return user;
  }

  private static void asAdmin(String database, String... statements) throws SQLException {
    try (Connection c =
            db.pg().login(database, PostgresFixture.ADMIN_USER, PostgresFixture.ADMIN_PASSWORD);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }
}
