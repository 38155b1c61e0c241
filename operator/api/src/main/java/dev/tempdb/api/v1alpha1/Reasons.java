package dev.tempdb.api.v1alpha1;

/**
 * The fixed set of CamelCase reasons used in conditions and events, so alerts and scripts can match
 * on them.
 */
public final class Reasons {
  // TemporaryDbAccess
  public static final String GRANTED = "Granted";
  public static final String EXTENDED = "Extended";
  public static final String SHORTENED = "Shortened";
  public static final String EXPIRED = "Expired";
  public static final String REVOKED = "Revoked";
  public static final String TARGET_NOT_FOUND = "TargetNotFound";
  public static final String TARGET_NOT_READY = "TargetNotReady";
  public static final String INVALID_REQUEST = "InvalidRequest";
  public static final String CHANGE_REFUSED = "ChangeRefused";
  public static final String GRANT_FAILED = "GrantFailed";
  public static final String PROVISIONING_FAILED = "ProvisioningFailed";
  public static final String USER_CREATED = "UserCreated";
  public static final String NOT_PROVISIONED = "NotProvisioned";
  public static final String PUBLISHED = "Published";
  public static final String NOT_PUBLISHED = "NotPublished";
  public static final String WITHDRAWN = "Withdrawn";
  public static final String DROPPED = "Dropped";
  public static final String DROP_FAILED = "DropFailed";
  public static final String USER_MISSING = "UserMissing";
  public static final String REVOCATION_FAILED = "RevocationFailed";
  public static final String REVOCATION_ABANDONED = "RevocationAbandoned";
  public static final String DELIVERY_NOT_CONFIGURED = "DeliveryNotConfigured";
  public static final String PUBLISH_FAILED = "PublishFailed";
  // RoleGrant
  public static final String USER_NOT_MAPPED = "UserNotMapped";
  public static final String DATABASE_USER_NOT_FOUND = "DatabaseUserNotFound";
  public static final String ROLE_NOT_FOUND = "RoleNotFound";
  public static final String ROLE_GRANT_NOT_ALLOWED = "RoleGrantNotAllowed";
  public static final String ROLES_RECORDED = "RolesRecorded";

  // DatabaseServer and AccessTarget
  public static final String CONNECTED = "Connected";
  public static final String CONNECTION_FAILED = "ConnectionFailed";
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String CA_NOT_FOUND = "CaNotFound";
  public static final String INVALID_CA = "InvalidCa";
  public static final String SERVER_NOT_FOUND = "ServerNotFound";
  public static final String SERVER_NOT_READY = "ServerNotReady";
  public static final String SQL_NOT_FOUND = "SqlNotFound";
  public static final String USER_MAP_NOT_FOUND = "UserMapNotFound";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String READY = "Ready";

  private Reasons() {}
}
