package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.naming.Passwords;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** OwnedObjects.Drop: everything the user owned goes with it; nobody inherits anything. */
class DropOwnedObjectsIT {
  private static final String SCHEMA = "do_app";

  @RegisterExtension
  static final PgTestbed db =
      PgTestbed.withSchema("test/drop-owned", SCHEMA, "CREATE TABLE do_app.kept (x int)");

  @Test
  void dropModeLeavesNothingTheUserOwned() throws SQLException {
    String user = PgCatalog.unique("tdb_do_");
    String password = Passwords.generate();
    db.engine()
        .provision(
            PgTestbed.grant(
                user,
                password,
                "GRANT USAGE, CREATE ON SCHEMA "
                    + SCHEMA
                    + " TO {username};"
                    + " GRANT CREATE ON DATABASE postgres TO {username};"
                    + " GRANT SELECT ON do_app.kept TO {username};"));
    db.runAs(
        user,
        password,
        "CREATE TABLE do_app.t_" + user + " (x int)",
        "CREATE VIEW do_app.v_" + user + " AS SELECT x FROM do_app.kept",
        "CREATE SEQUENCE do_app.s_" + user,
        "CREATE TYPE do_app.ty_" + user + " AS (a int)",
        "CREATE FUNCTION do_app.f_" + user + "() RETURNS int LANGUAGE sql AS $$SELECT 1$$",
        "CREATE FUNCTION do_app.sd_"
            + user
            + "() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$SELECT 1$$",
        "CREATE SCHEMA own_" + user,
        "CREATE TABLE own_" + user + ".inside (x int)",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA " + SCHEMA + " GRANT SELECT ON TABLES TO PUBLIC");

    assertThat(db.engine().revoke(user, null, OwnedObjects.Drop).outcome())
        .isEqualTo(Outcome.DROPPED);

    assertThat(db.catalog().roleExists(user)).isFalse();
    String like = "'%" + user + "'";
    assertThat(db.catalog().column("SELECT relname FROM pg_class WHERE relname LIKE " + like))
        .as("tables, views, sequences, types' relations")
        .isEmpty();
    assertThat(db.catalog().column("SELECT typname FROM pg_type WHERE typname LIKE " + like))
        .isEmpty();
    assertThat(db.catalog().column("SELECT proname FROM pg_proc WHERE proname LIKE " + like))
        .isEmpty();
    assertThat(db.catalog().column("SELECT nspname FROM pg_namespace WHERE nspname LIKE " + like))
        .isEmpty();
    assertThat(
            db.catalog()
                .column(
                    "SELECT count(*) FROM pg_default_acl d JOIN pg_namespace n"
                        + " ON n.oid = d.defaclnamespace WHERE n.nspname = '"
                        + SCHEMA
                        + "'"))
        .containsExactly("0");
    assertThat(db.catalog().relationOwner("postgres", SCHEMA, "kept"))
        .as("other owners' objects are untouched")
        .isEqualTo("postgres");
  }
}
