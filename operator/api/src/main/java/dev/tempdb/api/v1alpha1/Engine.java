package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The database engine of a {@link DatabaseServer}. */
public enum Engine {
  @JsonProperty("postgresql")
  POSTGRESQL,
  @JsonProperty("mysql")
  MYSQL,
  @JsonProperty("mariadb")
  MARIADB
}
