package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One requestable kind of access, named like the Sym target (e.g. readonly). */
@ValidationRule(
    value = "duration(self.defaultTtl) <= duration(self.maxTtl)",
    message = "defaultTtl must not be longer than maxTtl")
@ValidationRule(
    value = "self.strategy == 'RoleGrant' || has(self.grant)",
    message = "grant is required with strategy TemporaryUser")
@ValidationRule(
    value = "self.strategy == 'RoleGrant' ? has(self.roles) : !has(self.roles)",
    message = "roles is required with strategy RoleGrant, and only used by it")
@ValidationRule(
    value = "self.strategy != 'RoleGrant' || (!has(self.grant) && !has(self.revoke))",
    message = "strategy RoleGrant grants spec.roles; grant and revoke SQL are for TemporaryUser")
@ValidationRule(
    value = "self.strategy == 'RoleGrant' || (!has(self.userMapping) && !has(self.endSessions))",
    message = "userMapping and endSessions are used only with strategy RoleGrant")
@ValidationRule(
    value = "!has(self.connectionLimit) || self.connectionLimit != 0",
    message = "connectionLimit 0 would create users that can never log in; use 1-1000, or -1")
@ValidationRule(
    value = "self.strategy != 'RoleGrant' || !has(self.allowedPrivileges)",
    message = "allowedPrivileges is for strategy TemporaryUser; RoleGrant checks each role")
public class AccessTargetSpec {
  /** MySQL/MariaDB account host part: letters, digits and the wildcard/address punctuation. */
  public static final String HOST_PATTERN = "^[A-Za-z0-9._%:/-]{1,255}$";

  /** A database role name the operator grants (RoleGrant). */
  public static final String ROLE_PATTERN = "^[A-Za-z_][A-Za-z0-9_$-]{0,62}$";

  @Required
  @Pattern(ApiConstants.NAME_PATTERN)
  @JsonPropertyDescription("Name of the DatabaseServer, in the same namespace, to grant access on.")
  private String server;

  @Default("TemporaryUser")
  @JsonPropertyDescription(
      "TemporaryUser: each request gets its own database user, dropped when the access ends."
          + " RoleGrant: the requester's existing database user is granted spec.roles until the"
          + " access ends; no credentials are published.")
  private Strategy strategy = Strategy.TemporaryUser;

  @JsonPropertyDescription(
      "TemporaryUser (required): SQL that gives a new user its rights, e.g. GRANT SELECT ON ALL"
          + " TABLES IN SCHEMA app TO {username}. Runs in the same transaction as the user's"
          + " creation (PostgreSQL).")
  private SqlSource grant;

  @Size(min = 1, max = 16)
  @JsonPropertyDescription(
      "RoleGrant (required): existing database roles granted to the requester's user, e.g."
          + " [analyst]. MariaDB activates one default role at login: list one role that holds"
          + " the others.")
  private List<@Pattern(ROLE_PATTERN) String> roles;

  @JsonPropertyDescription(
      "RoleGrant: how a requester maps to their database user. Default: the part of the email"
          + " before the @, lower-cased, with - replaced by _.")
  private UserMapping userMapping;

  @JsonPropertyDescription(
      "RoleGrant: end the user's sessions when the roles are revoked, so a session that ran SET"
          + " ROLE cannot keep them. Off by default: the user keeps their own login and work."
          + " (TemporaryUser always ends sessions.)")
  private Boolean endSessions;

  @JsonPropertyDescription(
      "Optional SQL run at revocation, before the user is dropped, to undo what grant did outside"
          + " the user's own privileges (e.g. entries in an allow-list table).")
  private SqlSource revoke;

  @Default("1h")
  @Pattern(ApiConstants.DURATION_PATTERN)
  @JsonPropertyDescription("Access duration when a request names none, e.g. 1h.")
  private String defaultTtl = "1h";

  @Default("8h")
  @Pattern(ApiConstants.DURATION_PATTERN)
  @JsonPropertyDescription(
      "Longest access a request may ask for, counted from when it was granted, e.g. 8h. Longer"
          + " requests are refused, not shortened.")
  private String maxTtl = "8h";

  @Default("5")
  @Min(-1)
  @Max(1000)
  @JsonPropertyDescription(
      "Concurrent connections each temporary user may open, 1 to 1000; -1 is unlimited (0 is"
          + " refused: nobody could log in).")
  private Integer connectionLimit = 5;

  @Default("\"%\"")
  @Pattern(HOST_PATTERN)
  @JsonPropertyDescription(
      "MySQL/MariaDB: host part of each created account ('name'@'hostPattern'), limiting where"
          + " users may connect from, e.g. 10.0.% or %.internal.example. Ignored by PostgreSQL.")
  private String hostPattern = "%";

  @Default("Reassign")
  @JsonPropertyDescription(
      "TemporaryUser: what happens to objects a temporary user created when its access ends."
          + " Reassign (default): kept, owned by a role with no privileges and no login that the"
          + " operator manages (never the admin); SECURITY DEFINER functions are dropped. Drop:"
          + " dropped with the user.")
  private OwnedObjects ownedObjects = OwnedObjects.Reassign;

  @Size(max = 16)
  @JsonPropertyDescription(
      "TemporaryUser: elevated privileges the grant SQL may give. After the grant SQL runs and"
          + " before any password is published, the operator reads what the new user really"
          + " holds and refuses (rolls back) a grant with any elevated privilege not listed here."
          + " PostgreSQL: SUPERUSER, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS, ADMIN_ROLE"
          + " (membership of the operator's admin), or a predefined role such as"
          + " pg_execute_server_program. MySQL/MariaDB: SUPER, CREATE USER, GRANT OPTION and the"
          + " other global administrative privileges. Empty by default: nothing elevated.")
  private List<@Pattern(ApiConstants.PRIVILEGE_PATTERN) String> allowedPrivileges;

  @Size(min = 1, max = 2)
  @JsonPropertyDescription(
      "Where credentials are published unless a request says otherwise: KubernetesSecret (a"
          + " Secret beside the request), AwsSecretsManager (a secret tagged with the requester),"
          + " or both. Defaults to [KubernetesSecret].")
  private List<DeliveryMethod> delivery;

  public String getServer() {
    return server;
  }

  public void setServer(String server) {
    this.server = server;
  }

  public Strategy getStrategy() {
    return strategy;
  }

  public void setStrategy(Strategy strategy) {
    this.strategy = strategy;
  }

  public SqlSource getGrant() {
    return grant;
  }

  public void setGrant(SqlSource grant) {
    this.grant = grant;
  }

  public List<String> getRoles() {
    return roles;
  }

  public void setRoles(List<String> roles) {
    this.roles = roles;
  }

  public UserMapping getUserMapping() {
    return userMapping;
  }

  public void setUserMapping(UserMapping userMapping) {
    this.userMapping = userMapping;
  }

  public Boolean getEndSessions() {
    return endSessions;
  }

  public void setEndSessions(Boolean endSessions) {
    this.endSessions = endSessions;
  }

  public SqlSource getRevoke() {
    return revoke;
  }

  public void setRevoke(SqlSource revoke) {
    this.revoke = revoke;
  }

  public String getDefaultTtl() {
    return defaultTtl;
  }

  public void setDefaultTtl(String defaultTtl) {
    this.defaultTtl = defaultTtl;
  }

  public String getMaxTtl() {
    return maxTtl;
  }

  public void setMaxTtl(String maxTtl) {
    this.maxTtl = maxTtl;
  }

  public Integer getConnectionLimit() {
    return connectionLimit;
  }

  public void setConnectionLimit(Integer connectionLimit) {
    this.connectionLimit = connectionLimit;
  }

  public String getHostPattern() {
    return hostPattern;
  }

  public void setHostPattern(String hostPattern) {
    this.hostPattern = hostPattern;
  }

  public OwnedObjects getOwnedObjects() {
    return ownedObjects;
  }

  public void setOwnedObjects(OwnedObjects ownedObjects) {
    this.ownedObjects = ownedObjects;
  }

  public List<String> getAllowedPrivileges() {
    return allowedPrivileges;
  }

  public void setAllowedPrivileges(List<String> allowedPrivileges) {
    this.allowedPrivileges = allowedPrivileges;
  }

  public List<DeliveryMethod> getDelivery() {
    return delivery;
  }

  public void setDelivery(List<DeliveryMethod> delivery) {
    this.delivery = delivery;
  }
}
