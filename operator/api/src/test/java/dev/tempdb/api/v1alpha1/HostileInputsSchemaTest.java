package dev.tempdb.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tempdb.api.v1alpha1.HostileInputs.Kind;
import dev.tempdb.api.v1alpha1.HostileInputs.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of {@link HostileInputs} against the committed CRDs, as a real API server would judge
 * it (OpenAPI schema with RE2 patterns, CEL rules, transition rules for edits). Where a row says
 * the API server refuses it, the refusal must name the row's field or rule; where it says the
 * schema accepts, the operator alone must refuse it (see the controller's HostileInputsIT).
 */
class HostileInputsSchemaTest {
  private static final Path CRDS = Path.of("../../crds");
  private static final CrdSchema REQUESTS = load("temporarydbaccesses.tempdb.dev.yaml");
  private static final CrdSchema TARGETS = load("accesstargets.tempdb.dev.yaml");
  private static final CrdSchema SERVERS = load("databaseservers.tempdb.dev.yaml");

  static Stream<Row> rows() {
    return HostileInputs.rows().stream();
  }

  @Test
  void theTableHoldsAtLeastAHundredRowsOfEveryKind() {
    assertThat(HostileInputs.rows()).hasSizeGreaterThanOrEqualTo(100);
    assertThat(HostileInputs.rows().stream().map(Row::kind).distinct())
        .contains(Kind.REQUEST, Kind.TARGET, Kind.EDIT);
    assertThat(HostileInputs.rows().stream().map(Row::id).distinct().count())
        .isEqualTo(HostileInputs.rows().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void theApiServerJudgesTheRowAsTheTableSays(Row row) {
    List<String> errors = judge(row);

    if (row.schemaRefuses() == null) {
      assertThat(errors)
          .as("%s: the schema accepts it; the operator alone refuses it", row)
          .isEmpty();
    } else {
      assertThat(errors).as("%s", row).anySatisfy(e -> assertThat(e).contains(row.schemaRefuses()));
    }
  }

  private static List<String> judge(Row row) {
    return switch (row.kind()) {
      case REQUEST -> REQUESTS.validateCreate(edited(row, request()));
      case EDIT -> REQUESTS.validateUpdate(edited(row, request()), request());
      case TARGET ->
          TARGETS.validateCreate(
              edited(
                  row,
                  HostileInputs.resource(
                      "AccessTarget",
                      "tempdb-system",
                      "hostile",
                      HostileInputs.targetSpec("pg", "GRANT SELECT ON t TO {username}"))));
      case SERVER ->
          SERVERS.validateCreate(
              edited(
                  row,
                  HostileInputs.resource(
                      "DatabaseServer",
                      "tempdb-system",
                      "hostile",
                      HostileInputs.serverSpec(5432, "postgres", "pg-admin"))));
    };
  }

  private static ObjectNode request() {
    return HostileInputs.resource(
        "TemporaryDbAccess", "team-a", "hostile", HostileInputs.requestSpec("readonly"));
  }

  private static ObjectNode edited(Row row, ObjectNode resource) {
    ObjectNode copy = resource.deepCopy();
    row.edit().accept((ObjectNode) copy.get("spec"));
    return copy;
  }

  private static CrdSchema load(String file) {
    try {
      return CrdSchema.load(CRDS.resolve(file), ApiConstants.VERSION);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
