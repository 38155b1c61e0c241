package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A database server the operator manages temporary users on. */
public class DatabaseServerSpec {
  /** The managed prefix: lower case, ends with _, at most 9 characters, never empty. */
  public static final String USER_PREFIX_PATTERN = "^[a-z][a-z0-9_]{0,7}_$";

  /** A PostgreSQL role name the operator may hand leftovers to. */
  public static final String ROLE_PATTERN = "^[A-Za-z_][A-Za-z0-9_$-]{0,62}$";

  // RE2, as the API server reads it. Exact but for the length of a host name's last label, which
  // the operator checks (EndpointNames) and reports in status; maxLength caps it at 253 here.
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final String IPV4 = "(" + OCTET + "\\.){3}" + OCTET;
  private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
  // RFC 1123 2.1: the last label is not all digits, so a name never reads as an address.
  private static final String LAST_LABEL =
      "([0-9][0-9-]{0,61})?[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
  private static final String H16 = "[0-9A-Fa-f]{1,4}";
  // RFC 3986 3.2.2's IPv6address, its forms ending in ls32 (two groups or an IPv4) folded into one.
  private static final String IPV6 =
      "(("
          + ("(" + H16 + ":){6}")
          + ("|::(" + H16 + ":){5}")
          + ("|(" + H16 + ")?::(" + H16 + ":){4}")
          + ("|((" + H16 + ":){0,1}" + H16 + ")?::(" + H16 + ":){3}")
          + ("|((" + H16 + ":){0,2}" + H16 + ")?::(" + H16 + ":){2}")
          + ("|((" + H16 + ":){0,3}" + H16 + ")?::" + H16 + ":")
          + ("|((" + H16 + ":){0,4}" + H16 + ")?::")
          + (")(" + H16 + ":" + H16 + "|" + IPV4 + ")")
          + ("|((" + H16 + ":){0,5}" + H16 + ")?::" + H16)
          + ("|((" + H16 + ":){0,6}" + H16 + ")?::")
          + ")";

  /** A host name, an IPv4 address or an IPv6 address, as {@code host} and {@code publishedHost}. */
  public static final String HOST_PATTERN =
      "^("
          + IPV4
          + ("|(" + LABEL + "\\.)*" + LAST_LABEL)
          + ("|\\[" + IPV6 + "\\]")
          + ("|" + IPV6)
          + ")$";

  /** Letters, digits, _ $ - and . (with the length limit, 1 to 63). */
  public static final String DATABASE_PATTERN = "^[A-Za-z0-9_$.-]+$";

  /** The allowed forms of {@code host} and {@code publishedHost}, for descriptions and messages. */
  public static final String HOST_FORMS =
      "a host name (RFC 1123: letters, digits and -, in labels of at most 63 characters joined by"
          + " dots, no label starting or ending with -, the last one not all digits), an IPv4"
          + " address, or an IPv6 address with or without [ ]";

  /** The allowed forms of {@code database}, for descriptions and messages. */
  public static final String DATABASE_FORMS = "1 to 63 of the letters, digits, _ $ - and .";

  @Required
  @JsonPropertyDescription("Database engine: postgresql, mysql or mariadb.")
  private Engine engine;

  @Required
  @Size(min = 1, max = 253)
  @Pattern(HOST_PATTERN)
  @JsonPropertyDescription(
      "Host name or address the operator connects to: "
          + HOST_FORMS
          + ". Nothing else: no port (that goes in port), path, user or parameters.")
  private String host;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port the operator connects to. Defaults to 5432 (PostgreSQL) or 3306.")
  private Integer port;

  @Required
  @Size(min = 1, max = 63)
  @Pattern(DATABASE_PATTERN)
  @JsonPropertyDescription(
      "Database the operator connects to (grant SQL and MySQL expiry events run there) and that"
          + " PostgreSQL credentials name (MySQL/MariaDB credentials name none: the grant SQL decides"
          + " what the user may USE): "
          + DATABASE_FORMS
          + " (no /, ?, &, #, @, :, spaces, quotes or backslashes)."
          + " Grant SQL runs here; PostgreSQL objects owned by temporary users are reassigned in"
          + " this database.")
  private String database;

  @Required
  @JsonPropertyDescription("Secret with the admin login used to create and drop temporary users.")
  private AdminCredentials adminCredentials;

  @JsonPropertyDescription("TLS settings. Defaults to mode require.")
  private Tls tls;

  @Size(min = 1, max = 253)
  @Pattern(HOST_PATTERN)
  @JsonPropertyDescription(
      "Host published to users in their credentials, when it differs from the host the operator"
          + " dials (e.g. a public endpoint or a proxy): "
          + HOST_FORMS
          + ", nothing else. Defaults to host.")
  private String publishedHost;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port published to users. Defaults to the port the operator dials.")
  private Integer publishedPort;

  @Default("tdb_")
  @Pattern(USER_PREFIX_PATTERN)
  @JsonPropertyDescription(
      "Prefix of every database user this operator creates on this server (lower case, ends"
          + " with _, at most 9 characters). The orphan sweep only ever drops users with this"
          + " prefix, so no unmanaged user may start with it.")
  private String userPrefix = "tdb_";

  @Pattern(ROLE_PATTERN)
  @JsonPropertyDescription(
      "PostgreSQL: role that receives the objects a temporary user created (REASSIGN OWNED) when"
          + " its target's ownedObjects is Reassign. It must exist, must not be the admin, must not"
          + " be able to log in, must have none of SUPERUSER, CREATEROLE, CREATEDB, REPLICATION,"
          + " BYPASSRLS and must be a member of no role; otherwise revocation leaves the user locked"
          + " and says why. The admin must be a member of it or hold ADMIN OPTION on it. Defaults"
          + " to tempdb_orphans, a role with no privileges that the operator creates on demand."
          + " Never the admin.")
  private String reassignOwnedTo;

  @JsonPropertyDescription("Admin connection pool size and timeouts.")
  private ConnectionSettings connection;

  public Engine getEngine() {
    return engine;
  }

  public void setEngine(Engine engine) {
    this.engine = engine;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getDatabase() {
    return database;
  }

  public void setDatabase(String database) {
    this.database = database;
  }

  public AdminCredentials getAdminCredentials() {
    return adminCredentials;
  }

  public void setAdminCredentials(AdminCredentials adminCredentials) {
    this.adminCredentials = adminCredentials;
  }

  public Tls getTls() {
    return tls;
  }

  public void setTls(Tls tls) {
    this.tls = tls;
  }

  public String getPublishedHost() {
    return publishedHost;
  }

  public void setPublishedHost(String publishedHost) {
    this.publishedHost = publishedHost;
  }

  public Integer getPublishedPort() {
    return publishedPort;
  }

  public void setPublishedPort(Integer publishedPort) {
    this.publishedPort = publishedPort;
  }

  public String getUserPrefix() {
    return userPrefix;
  }

  public void setUserPrefix(String userPrefix) {
    this.userPrefix = userPrefix;
  }

  public String getReassignOwnedTo() {
    return reassignOwnedTo;
  }

  public void setReassignOwnedTo(String reassignOwnedTo) {
    this.reassignOwnedTo = reassignOwnedTo;
  }

  public ConnectionSettings getConnection() {
    return connection;
  }

  public void setConnection(ConnectionSettings connection) {
    this.connection = connection;
  }
}
