package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of an {@link AccessTarget}. */
public class AccessTargetStatus {
  @JsonPropertyDescription("Generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Requests for this target that are Active now.")
  private Integer activeGrants;

  @JsonPropertyDescription(
      "Ready: the server is Ready and the grant (and revoke) SQL can be read; requests are only"
          + " granted on a Ready target.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getActiveGrants() {
    return activeGrants;
  }

  public void setActiveGrants(Integer activeGrants) {
    this.activeGrants = activeGrants;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
