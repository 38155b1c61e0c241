package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** RoleGrant: one role this request gives its user, and whether the user held it before. */
public class GrantedRole {
  @JsonPropertyDescription("Name of the database role.")
  private String name;

  @JsonPropertyDescription(
      "The user held this role before the request (a grant of its own, not from another"
          + " request): it is left in place when the request ends.")
  private Boolean alreadyHeld;

  public GrantedRole() {}

  public GrantedRole(String name, boolean alreadyHeld) {
    this.name = name;
    this.alreadyHeld = alreadyHeld;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Boolean getAlreadyHeld() {
    return alreadyHeld;
  }

  public void setAlreadyHeld(Boolean alreadyHeld) {
    this.alreadyHeld = alreadyHeld;
  }

  public boolean alreadyHeld() {
    return Boolean.TRUE.equals(alreadyHeld);
  }
}
