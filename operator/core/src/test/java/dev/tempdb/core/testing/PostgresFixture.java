package dev.tempdb.core.testing;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.engine.ServerEndpoint;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server, started once per test JVM. Unlike the embedded default (trust for
 * everyone), every TCP login except the bootstrap superuser's must present its password, so tests
 * prove that published passwords work, that wrong ones do not, and that VALID UNTIL is enforced.
 * The operator logs in as a separate admin role with a password, like in production.
 */
public final class PostgresFixture {
  public static final String ADMIN_USER = "tempdb_admin";
  public static final String ADMIN_PASSWORD = "admin-" + Long.toHexString(System.nanoTime());
  private static PostgresFixture instance;

  private final EmbeddedPostgres postgres;

  private PostgresFixture(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static synchronized PostgresFixture get() {
    if (instance == null) {
      try {
        EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("password_encryption", "scram-sha-256")
                .setServerConfig("max_connections", "200")
                .setDataDirectoryCustomizer(
                    dir -> {
                      try {
                        Files.writeString(
                            dir.toPath().resolve("pg_hba.conf"),
                            String.join(
                                "\n",
                                "local all all trust",
                                "host all postgres 127.0.0.1/32 trust",
                                "host all postgres ::1/128 trust",
                                "host all all 127.0.0.1/32 scram-sha-256",
                                "host all all ::1/128 scram-sha-256",
                                ""));
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    })
                .start();
        instance = new PostgresFixture(pg);
        instance.superuser(
            "CREATE ROLE " + ADMIN_USER + " LOGIN SUPERUSER PASSWORD '" + ADMIN_PASSWORD + "'");
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
    }
    return instance;
  }

  public int port() {
    return postgres.getPort();
  }

  /** The bootstrap superuser, for test setup and for looking behind the operator's back. */
  public DataSource superuserDataSource() {
    return postgres.getPostgresDatabase();
  }

  /** Runs statements as the bootstrap superuser, autocommit. */
  public void superuser(String... statements) {
    try (Connection c = superuserDataSource().getConnection();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Logs in over TCP with a password, as a requester would. */
  public Connection login(String user, String password) throws SQLException {
    return login("postgres", user, password);
  }

  public Connection login(String database, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port() + "/" + database, props);
  }

  /** How the operator reaches this server's postgres database. */
  public ServerEndpoint endpoint(String name) {
    return endpoint(name, "postgres");
  }

  public ServerEndpoint endpoint(String name, String database) {
    return new ServerEndpoint(
        name,
        Engine.POSTGRESQL,
        "127.0.0.1",
        port(),
        database,
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
