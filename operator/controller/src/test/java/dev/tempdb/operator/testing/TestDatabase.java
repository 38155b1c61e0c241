package dev.tempdb.operator.testing;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.naming.Usernames;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One real database server as the end-to-end scenarios see it, so each scenario is written once and
 * run against every engine. Everything engine-specific a scenario needs lives behind this
 * interface: the SQL dialect of the target, how to look behind the operator's back, and how to make
 * a user impossible to drop.
 */
public interface TestDatabase {
  /** The DatabaseServer's name, also used to keep resource names of different engines apart. */
  String key();

  Engine engine();

  int port();

  /** The database the DatabaseServer connects to (and credentials name). */
  String database();

  String adminUser();

  String adminPassword();

  ServerEndpoint endpoint(String name);

  /** Drops and creates a schema (PostgreSQL) or database (MySQL, MariaDB) with the given tables. */
  void recreateSchema(String schema, String... tableDefinitions);

  /** Runs statements as an administrator, autocommit. */
  void admin(String... statements);

  /** Grant SQL for read access to every table of a schema. */
  String readonlySql(String schema);

  /** Logs in over TCP with a password, as a requester would. */
  Connection login(String user, String password) throws SQLException;

  /** Users whose name starts with the prefix, as the server lists them. */
  List<String> usersStartingWith(String prefix);

  default boolean userExists(String name) {
    return usersStartingWith(name).contains(name);
  }

  /** A login the operator did not create. */
  void createUnmanagedUser(String name);

  /** RoleGrant: a person's own login user with a known password (dropped first if it exists). */
  void createLoginUser(String name, String password);

  /** RoleGrant: a role (dropped first if it exists) that may read every table of the schema. */
  void createReadRole(String role, String schema);

  /** RoleGrant: a membership made by a DBA, outside the operator. */
  void grantRole(String role, String user);

  /** When the server itself ends the user's access, if the engine records one. */
  Optional<Instant> databaseExpiry(String user);

  /**
   * Prepares what {@link #pin} needs and returns grant SQL for a target whose users it can make
   * impossible to drop.
   */
  String pinnableGrantSql();

  /** Makes the user impossible to drop; running the returned action undoes it. */
  Runnable pin(String user, String password) throws SQLException;

  /** Words in the server's error when a user lacks a privilege. */
  String permissionDenied();

  default String expectedUsername(TemporaryDbAccess tda) {
    return Usernames.forGrant(
        "tdb_",
        tda.getSpec().getRequester(),
        tda.getMetadata().getUid(),
        engine() == Engine.POSTGRESQL ? 63 : 32);
  }

  static TestDatabase of(Engine engine) {
    return switch (engine) {
      case POSTGRESQL -> new PostgresTestDatabase();
      case MARIADB -> new MariaDbTestDatabase();
      case MYSQL -> new MySqlTestDatabase();
    };
  }
}
