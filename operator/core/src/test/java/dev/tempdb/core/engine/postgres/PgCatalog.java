package dev.tempdb.core.engine.postgres;

import dev.tempdb.core.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Looks behind the operator's back as the bootstrap superuser, for the engine's ITs. */
final class PgCatalog {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private final PostgresFixture pg;

  PgCatalog(PostgresFixture pg) {
    this.pg = pg;
  }

  /** A name no other test of this JVM uses, starting with {@code prefix}. */
  static String unique(String prefix) {
    return prefix + SEQ.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
  }

  /** The first column of every row, as text (null stays null). */
  List<String> column(String sql) throws SQLException {
    return column("postgres", sql);
  }

  List<String> column(String database, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  /** The one value of a query that returns one row, one column. */
  String value(String sql) throws SQLException {
    List<String> values = column(sql);
    if (values.size() != 1) {
      throw new IllegalStateException("expected one row, got " + values + " from " + sql);
    }
    return values.get(0);
  }

  boolean roleExists(String role) throws SQLException {
    return !column("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'").isEmpty();
  }

  /** Who owns the relation (table, view, sequence) of that name, or null when it does not exist. */
  String relationOwner(String database, String schema, String name) throws SQLException {
    List<String> owners =
        column(
            database,
            "SELECT pg_get_userbyid(c.relowner) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = '"
                + schema
                + "' AND c.relname = '"
                + name
                + "'");
    return owners.isEmpty() ? null : owners.get(0);
  }

  /** The roles the given role is a direct member of. */
  List<String> memberships(String role) throws SQLException {
    return column(
        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
            + " JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = '"
            + role
            + "' ORDER BY 1");
  }

  private Connection connect(String database) throws SQLException {
    return "postgres".equals(database)
        ? pg.superuserDataSource().getConnection()
        : pg.login(database, PostgresFixture.ADMIN_USER, PostgresFixture.ADMIN_PASSWORD);
  }
}
