package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Pool size and timeouts of the operator's admin connections to one server. */
public class ConnectionSettings {
  @Min(1)
  @Max(50)
  @Default("4")
  @JsonPropertyDescription(
      "Maximum admin connections the operator keeps open to this server. Account changes are"
          + " CPU-bound (PostgreSQL) or serialised (MariaDB), so a small pool is enough.")
  private Integer maxConnections = 4;

  @Pattern(ApiConstants.DURATION_PATTERN)
  @Default("5s")
  @JsonPropertyDescription("Timeout for opening a connection, e.g. 5s.")
  private String connectTimeout = "5s";

  @Pattern(ApiConstants.DURATION_PATTERN)
  @Default("30s")
  @JsonPropertyDescription(
      "Timeout for a single statement, e.g. 30s. PostgreSQL cancels a statement running longer;"
          + " on MySQL/MariaDB the operator closes its connection.")
  private String statementTimeout = "30s";

  public Integer getMaxConnections() {
    return maxConnections;
  }

  public void setMaxConnections(Integer maxConnections) {
    this.maxConnections = maxConnections;
  }

  public String getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(String connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public String getStatementTimeout() {
    return statementTimeout;
  }

  public void setStatementTimeout(String statementTimeout) {
    this.statementTimeout = statementTimeout;
  }
}
