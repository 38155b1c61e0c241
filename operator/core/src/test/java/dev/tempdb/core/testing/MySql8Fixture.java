package dev.tempdb.core.testing;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.core.naming.Usernames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real MySQL 8.0.15 server, started once per test JVM from the mysqld bundled in a Maven jar
 * ({@link MySql8Distribution}): a data folder of its own under {@code target/mysql8/jvm-<pid>},
 * copied from one initialised with {@code --initialize-insecure} once per build, mysqld on a free
 * loopback port, and an admin account that logs in over TCP with a password (caching_sha2_password,
 * the server's default), like the operator does in production. The database {@code app} holds test
 * tables. The server stops when the JVM ends; one left by a JVM that was killed is stopped by the
 * next start.
 *
 * <p>If it cannot start, the test that asked for it fails with the reason: it is never skipped.
 */
public final class MySql8Fixture implements MysqlFamilyServer {
  public static final String ADMIN_USER = "tempdb_admin";
  public static final String ADMIN_PASSWORD = "Admin-" + Long.toHexString(System.nanoTime());
  public static final String DATABASE = "app";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Path SHARED = BuildFolders.shared().resolve("mysql8");
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static MySql8Fixture instance;
  private static IllegalStateException startFailure;

  private final int port;
  private final String version;

  private MySql8Fixture(int port, String version) {
    this.port = port;
    this.version = version;
  }

  public static synchronized MySql8Fixture get() {
    if (startFailure != null) {
      throw startFailure;
    }
    if (instance == null) {
      try {
        instance = start();
      } catch (RuntimeException e) {
        // Every later test fails at once with the same reason instead of trying again.
        startFailure = new IllegalStateException("the MySQL 8 test server did not start", e);
        throw startFailure;
      }
    }
    return instance;
  }

  /**
   * The data folder every MySQL 8 test server starts from, initialised once per build. It also
   * holds the TLS certificate mysqld generated for it ({@code server-cert.pem}, {@code
   * server-key.pem}, {@code ca.pem}), which the MariaDB test server uses too.
   */
  static Path dataTemplate() {
    return dataTemplate(MySql8Distribution.unpack(SHARED));
  }

  private static Path dataTemplate(MySql8Distribution.Unpacked dist) {
    return BuildFolders.once(SHARED.resolve("data-template"), into -> initialize(dist, into));
  }

  private static MySql8Fixture start() {
    MySql8Distribution.Unpacked dist = MySql8Distribution.unpack(SHARED);
    Path template = dataTemplate(dist);
    Path home =
        JvmFolders.forThisJvm(
            Path.of("target", "mysql8").toAbsolutePath(), MySql8Fixture::stopLeftOver);
    Path data = home.resolve("data");
    Path log = home.resolve("mysqld.log");
    try {
      Files.createDirectories(home.resolve("tmp"));
      BuildFolders.copy(template, data);
      int port = freePort();
      List<String> serve = new ArrayList<>(common(dist, data));
      serve.addAll(
          List.of(
              "--port=" + port,
              "--bind-address=127.0.0.1",
              // A socket path must stay under 108 bytes; target/ may be deep.
              "--socket=/tmp/tempdb-mysql8-" + ProcessHandle.current().pid() + ".sock",
              "--mysqlx=OFF",
              "--pid-file=" + home.resolve("mysqld.pid"),
              "--log-error=" + log,
              "--tmpdir=" + home.resolve("tmp"),
              "--event-scheduler=ON",
              "--max-connections=300",
              "--skip-log-bin",
              "--performance-schema=OFF",
              "--innodb-flush-log-at-trx-commit=2",
              "--innodb-doublewrite=0"));
      Process mysqld = process(dist, serve).start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(mysqld), "mysql8-stop"));
      String version = awaitReady(mysqld, port, log);
      MySql8Fixture fixture = new MySql8Fixture(port, version);
      fixture.asRoot(
          "CREATE USER '" + ADMIN_USER + "'@'%' IDENTIFIED BY '" + ADMIN_PASSWORD + "'",
          "GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN_USER + "'@'%' WITH GRANT OPTION",
          "CREATE DATABASE " + DATABASE,
          // Nothing but the admin logs in without the password only this JVM knows.
          "ALTER USER 'root'@'localhost' IDENTIFIED BY '" + ADMIN_PASSWORD + "'");
      return fixture;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start mysqld in " + home, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting mysqld", e);
    }
  }

  /**
   * A data folder as {@code mysqld --initialize-insecure} makes it (root without a password), made
   * once per build and copied by each JVM: initialising costs about 5 s and 3 s of CPU. It gets a
   * tmpdir of its own, since a starting mysqld deletes the {@code #sql*} files of its tmpdir.
   */
  private static void initialize(MySql8Distribution.Unpacked dist, Path data)
      throws IOException, InterruptedException {
    Path tmp = data.resolveSibling("data-template-tmp");
    Path log = data.resolveSibling("data-template.log");
    Files.createDirectories(tmp);
    List<String> init = new ArrayList<>(common(dist, data));
    init.add("--initialize-insecure");
    init.add("--tmpdir=" + tmp);
    init.add("--log-error=" + log);
    Process initialize = process(dist, init).start();
    if (!initialize.waitFor(120, TimeUnit.SECONDS) || initialize.exitValue() != 0) {
      initialize.destroyForcibly();
      throw new IllegalStateException("mysqld --initialize-insecure failed: " + tail(log));
    }
  }

  /** Options of both the initialisation and the server: the same folders and user. */
  private static List<String> common(MySql8Distribution.Unpacked dist, Path data) {
    return List.of(
        dist.mysqld().toString(),
        "--no-defaults",
        // mysqld refuses to run as root unless told to; elsewhere it runs as the build's user.
        "--user=" + System.getProperty("user.name"),
        "--basedir=" + dist.baseDir(),
        "--datadir=" + data,
        "--lc-messages-dir=" + dist.baseDir().resolve("share"));
  }

  private static ProcessBuilder process(MySql8Distribution.Unpacked dist, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> env = pb.environment();
    dist.libraryDir()
        .ifPresent(
            dir -> {
              String old = env.get("LD_LIBRARY_PATH");
              env.put("LD_LIBRARY_PATH", dir + (old == null || old.isEmpty() ? "" : ":" + old));
            });
    return pb;
  }

  /** Polls until root can log in over TCP; returns the server's version. */
  private static String awaitReady(Process mysqld, int port, Path log) throws InterruptedException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    SQLException last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!mysqld.isAlive()) {
        throw new IllegalStateException(
            "mysqld exited with " + mysqld.exitValue() + " at start: " + tail(log));
      }
      try (Connection c = connect(port, "", "root", "", false);
          Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT VERSION()")) {
        rs.next();
        return rs.getString(1);
      } catch (SQLException e) {
        last = e;
      }
      Thread.sleep(100); // polling a starting process: there is no event to wait for
    }
    mysqld.destroyForcibly();
    throw new IllegalStateException(
        "mysqld did not accept connections on port "
            + port
            + " within "
            + START_TIMEOUT.toSeconds()
            + " s (last error: "
            + (last == null ? "none" : last.getMessage())
            + "): "
            + tail(log));
  }

  private static void stop(Process mysqld) {
    mysqld.destroy(); // SIGTERM: mysqld shuts down cleanly
    try {
      if (!mysqld.waitFor(30, TimeUnit.SECONDS)) {
        mysqld.destroyForcibly();
      }
    } catch (InterruptedException e) {
      mysqld.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** A mysqld whose JVM was killed outlives it; its pid file names it. */
  private static void stopLeftOver(Path home) {
    try {
      Path pidFile = home.resolve("mysqld.pid");
      if (Files.exists(pidFile)) {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(pid)
            .filter(p -> p.info().command().map(c -> c.endsWith("mysqld")).orElse(false))
            .ifPresent(
                p -> {
                  p.destroy();
                  p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
                });
      }
    } catch (IOException | RuntimeException e) {
      // Best effort: a left-over server only holds a port and some disk.
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  private static Connection connect(
      int port, String database, String user, String password, boolean tls) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5000");
    props.setProperty("socketTimeout", "30000");
    props.setProperty("sslMode", tls ? "REQUIRED" : "DISABLED");
    // caching_sha2_password over plain TCP sends the password RSA-encrypted with the server's key.
    props.setProperty("allowPublicKeyRetrieval", "true");
    return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/" + database, props);
  }

  private void asRoot(String... statements) {
    try (Connection c = connect(port, "", "root", "", false);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not set up the MySQL 8 test server", e);
    }
  }

  @Override
  public Engine engine() {
    return Engine.MYSQL;
  }

  @Override
  public String displayName() {
    return "MySQL " + version;
  }

  public String version() {
    return version;
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
    return connect(port, database, user, password, false);
  }

  @Override
  public Connection loginOverTls(String user, String password) throws SQLException {
    return connect(port, "", user, password, true);
  }

  @Override
  public String newUser(String tag) {
    return Usernames.forGrant(
        "tdb_", tag + SEQ.incrementAndGet(), UUID.randomUUID().toString(), 32);
  }
}
