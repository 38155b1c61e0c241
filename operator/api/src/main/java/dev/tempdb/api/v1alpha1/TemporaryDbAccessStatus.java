package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a {@link TemporaryDbAccess}. Holds references, never secret values. */
public class TemporaryDbAccessStatus {
  @JsonPropertyDescription("Generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Pending, Provisioning, Active, Revoking, Expired, Revoked (deleted before expiry) or"
          + " Failed.")
  private Phase phase;

  @JsonPropertyDescription(
      "DatabaseServer the user was created on, recorded so revocation does not depend on the"
          + " target still existing.")
  private String server;

  @JsonPropertyDescription(
      "The target, requester, delivery and requestId access was granted for. Edits of those spec fields"
          + " after the grant (which the API server refuses) change nothing: the operator keeps"
          + " using these and says so in status.")
  private GrantedFor grantedFor;

  @JsonPropertyDescription(
      "TemporaryUser or RoleGrant: how this request grants access, chosen once from its target when"
          + " the grant starts and kept, so that revocation undoes exactly what was done even if the"
          + " target changes strategy later.")
  private Strategy strategy;

  @JsonPropertyDescription(
      "Database user of this request: created for it (TemporaryUser), or the requester's own"
          + " (RoleGrant).")
  private String username;

  @JsonPropertyDescription(
      "RoleGrant: the roles given to the user, recorded before they are granted so that exactly"
          + " these, and only these, are revoked at the end.")
  private List<GrantedRole> roles;

  @JsonPropertyDescription("When the database user was first granted access (RFC 3339).")
  private String grantedAt;

  @JsonPropertyDescription(
      "When access ends (RFC 3339). PostgreSQL also enforces it itself (VALID UNTIL).")
  private String expiresAt;

  @JsonPropertyDescription("When the database user was removed (RFC 3339).")
  private String revokedAt;

  @JsonPropertyDescription("Where the credentials were published.")
  private PublishedCredentials credentials;

  @JsonPropertyDescription("What happened last, for people.")
  private String message;

  @JsonPropertyDescription(
      "Ready (access is usable now), UserProvisioned, CredentialsPublished and UserRemoved.")
  private List<Condition> conditions = new ArrayList<>();

  public Strategy getStrategy() {
    return strategy;
  }

  public void setStrategy(Strategy strategy) {
    this.strategy = strategy;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public String getServer() {
    return server;
  }

  public void setServer(String server) {
    this.server = server;
  }

  public GrantedFor getGrantedFor() {
    return grantedFor;
  }

  public void setGrantedFor(GrantedFor grantedFor) {
    this.grantedFor = grantedFor;
  }

  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

  public List<GrantedRole> getRoles() {
    return roles;
  }

  public void setRoles(List<GrantedRole> roles) {
    this.roles = roles;
  }

  public String getGrantedAt() {
    return grantedAt;
  }

  public void setGrantedAt(String grantedAt) {
    this.grantedAt = grantedAt;
  }

  public String getExpiresAt() {
    return expiresAt;
  }

  public void setExpiresAt(String expiresAt) {
    this.expiresAt = expiresAt;
  }

  public String getRevokedAt() {
    return revokedAt;
  }

  public void setRevokedAt(String revokedAt) {
    this.revokedAt = revokedAt;
  }

  public PublishedCredentials getCredentials() {
    return credentials;
  }

  public void setCredentials(PublishedCredentials credentials) {
    this.credentials = credentials;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
