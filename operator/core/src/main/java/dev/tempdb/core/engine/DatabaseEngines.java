package dev.tempdb.core.engine;

import com.mysql.cj.conf.PropertyKey;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.engine.mysql.MysqlEngine;
import dev.tempdb.core.engine.postgres.PostgresDatabases;
import dev.tempdb.core.engine.postgres.PostgresEngine;
import dev.tempdb.core.naming.Passwords;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGProperty;

/** Opens a {@link DatabaseEngine} with its own small connection pool, every wait bounded. */
public final class DatabaseEngines {
  private DatabaseEngines() {}

  /**
   * @throws InvalidEndpointException before any connection when the host, port or database cannot
   *     name a server ({@link EndpointNames})
   * @throws EngineException (permanent) for an engine this version cannot manage yet
   */
  public static DatabaseEngine open(ServerEndpoint server, Clock clock) {
    EndpointNames.check(server);
    return switch (server.engine()) {
      case POSTGRESQL -> openPostgres(server, clock);
      case MYSQL, MARIADB -> openMysql(server, clock);
    };
  }

  private static DatabaseEngine openMysql(ServerEndpoint server, Clock clock) {
    HikariDataSource pool = new HikariDataSource(mysqlConfig(server));
    return new MysqlEngine(pool, pool, clock);
  }

  /** The pool and driver settings of a MySQL/MariaDB server. */
  static HikariConfig mysqlConfig(ServerEndpoint server) {
    HikariConfig config = basePool(server);
    // A URL naming no host: Connector/J then takes host, port and database from these properties
    // as plain values, where in a URL "user@host" picks the login and "?name=value" switches on
    // settings the operator leaves unset. (MysqlDataSource would paste them into a URL itself.)
    config.setJdbcUrl("jdbc:mysql://");
    config.addDataSourceProperty(
        PropertyKey.HOST.getKeyName(), EndpointNames.driverHost(server.host()));
    config.addDataSourceProperty(PropertyKey.PORT.getKeyName(), Integer.toString(server.port()));
    config.addDataSourceProperty(PropertyKey.DBNAME.getKeyName(), server.database());
    config.addDataSourceProperty("connectTimeout", server.connectTimeout().toMillis());
    // Neither server cancels account statements on its own clock; the socket timeout bounds them.
    config.addDataSourceProperty("socketTimeout", server.statementTimeout().toMillis());
    long lockWait = Math.max(1, server.statementTimeout().toSeconds());
    config.addDataSourceProperty(
        "sessionVariables",
        "lock_wait_timeout=" + lockWait + ",innodb_lock_wait_timeout=" + lockWait);
    // Target SQL files hold several statements; the server's parser splits them.
    config.addDataSourceProperty("allowMultiQueries", "true");
    config.addDataSourceProperty("connectionAttributes", "program_name:tempdb-operator");
    TlsMode mode = TlsParameters.orDefault(server.tlsMode());
    config.addDataSourceProperty("sslMode", TlsParameters.mysql(mode));
    if (mode == TlsMode.DISABLE) {
      // caching_sha2_password over plain TCP needs the server's RSA key; with TLS it does not.
      config.addDataSourceProperty("allowPublicKeyRetrieval", "true");
    }
    if (server.caPem() != null) {
      String storePassword = Passwords.generate();
      config.addDataSourceProperty(
          "trustCertificateKeyStoreUrl",
          TrustStores.pkcs12File(server, storePassword).toUri().toString());
      config.addDataSourceProperty("trustCertificateKeyStoreType", "PKCS12");
      config.addDataSourceProperty("trustCertificateKeyStorePassword", storePassword);
    }
    return config;
  }

  private static DatabaseEngine openPostgres(ServerEndpoint server, Clock clock) {
    HikariConfig config = postgresConfig(server);
    HikariDataSource pool = new HikariDataSource(config);
    return new PostgresEngine(
        pool, pool, otherDatabases(server, config), server.reassignOwnedTo(), clock);
  }

  /**
   * The pool's driver settings with another database name, unpooled: revocation needs another
   * database only when a user left something there, which is rare.
   */
  private static PostgresDatabases otherDatabases(ServerEndpoint server, HikariConfig config) {
    Properties settings = new Properties();
    settings.putAll(config.getDataSourceProperties());
    settings.setProperty("user", server.adminUser());
    settings.setProperty("password", server.adminPassword());
    org.postgresql.Driver driver = new org.postgresql.Driver();
    return database -> {
      Properties props = new Properties();
      props.putAll(settings);
      props.setProperty(PGProperty.PG_DBNAME.getName(), database);
      return driver.connect(config.getJdbcUrl(), props);
    };
  }

  /** The pool and driver settings of a PostgreSQL server. */
  static HikariConfig postgresConfig(ServerEndpoint server) {
    HikariConfig config = basePool(server);
    // A URL naming no host: pgJDBC then takes PGHOST, PGPORT and PGDBNAME from these properties
    // as plain values, where in a URL "?sslmode=disable" would outrank the properties below and
    // "a,b" would add a host. Not "jdbc:postgresql:", whose empty database name outranks PGDBNAME;
    // not PGSimpleDataSource, which pastes its server name into a URL.
    config.setJdbcUrl("jdbc:postgresql://");
    config.addDataSourceProperty(
        PGProperty.PG_HOST.getName(), EndpointNames.driverHost(server.host()));
    config.addDataSourceProperty(PGProperty.PG_PORT.getName(), Integer.toString(server.port()));
    config.addDataSourceProperty(PGProperty.PG_DBNAME.getName(), server.database());
    config.addDataSourceProperty("ApplicationName", "tempdb-operator");
    config.addDataSourceProperty("connectTimeout", seconds(server.connectTimeout()));
    config.addDataSourceProperty("loginTimeout", seconds(server.connectTimeout()));
    // The socket timeout is the last line of defence; the server cancels statements first.
    config.addDataSourceProperty(
        "socketTimeout", seconds(server.statementTimeout().plusSeconds(10)));
    config.addDataSourceProperty(
        "options",
        "-c statement_timeout="
            + server.statementTimeout().toMillis()
            + " -c lock_timeout="
            + server.statementTimeout().toMillis()
            + " -c idle_in_transaction_session_timeout="
            + server.statementTimeout().multipliedBy(2).toMillis());
    // Server error details can quote data values; keep them out of our messages.
    config.addDataSourceProperty("logServerErrorDetail", "false");
    config.addDataSourceProperty("sslmode", TlsParameters.libpq(server.tlsMode()));
    if (server.caPem() != null) {
      config.addDataSourceProperty("sslrootcert", TrustStores.pemFile(server).toString());
    }
    return config;
  }

  private static HikariConfig basePool(ServerEndpoint server) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("tempdb-" + server.name().replace('/', '-'));
    config.setUsername(server.adminUser());
    config.setPassword(server.adminPassword());
    config.setMaximumPoolSize(server.maxConnections());
    config.setMinimumIdle(Math.min(1, server.maxConnections()));
    // Waiting for a free pooled connection is bounded like any network call.
    config.setConnectionTimeout(server.connectTimeout().plus(server.statementTimeout()).toMillis());
    config.setValidationTimeout(Math.max(250, server.connectTimeout().toMillis()));
    // Start even when the server is down; the DatabaseServer reconciler reports it.
    config.setInitializationFailTimeout(-1);
    return config;
  }

  private static String seconds(Duration d) {
    return Long.toString(Math.max(1, d.toSeconds()));
  }
}
