# syntax=docker/dockerfile:1
#
# The tempdb-operator image: `docker build -t tempdb-operator .` at the repository root, or
# `./mvnw -B -Pimage -DskipTests package` (docs/install.md). DockerfileTest checks the invariants
# the manifests rely on (numeric non-root user, JRE runtime, entrypoint main class).

# --- build: the controller module and everything it needs, plus its runtime dependencies -------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# Maven reads every module's pom, so the whole operator/ tree is copied (.dockerignore keeps
# target/ directories and other local files out).
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY operator/ operator/
# One reactor run: package operator/controller and the modules it depends on (-am), then copy the
# runtime dependencies of each into its target/lib (sibling modules resolve from the reactor).
# Tests are run by CI, not here; formatting is checked by CI too.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl operator/controller -am -DskipTests -Dspotless.check.skip=true \
      package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib \
 && mkdir -p /out/app /out/lib \
 && cp operator/controller/target/lib/*.jar /out/lib/ \
 && find operator/controller/target -maxdepth 1 -name 'tempdb-controller-*.jar' \
      ! -name '*-tests.jar' ! -name '*-sources.jar' -exec cp {} /out/app/ \;

# --- runtime -------------------------------------------------------------------------------------
# eclipse-temurin:17-jre (Ubuntu LTS): the same JDK vendor and major version as the build and the
# tests, patched regularly, glibc-based (the JDBC drivers and the AWS SDK need nothing else). It has
# a shell, but nothing here uses one: the entrypoint is exec form. A distroless or ubi-minimal JRE
# would also work; this one keeps one vendor for build and run.
FROM eclipse-temurin:17-jre
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="tempdb-operator" \
      org.opencontainers.image.description="Kubernetes operator that creates temporary database users for approved access requests" \
      org.opencontainers.image.source="https://github.com/tempdb/tempdb-operator" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.vendor="tempdb"
WORKDIR /opt/tempdb
# Owned by root and not writable by the operator's user: the root filesystem can be read-only.
COPY --from=build /out/lib/ /opt/tempdb/lib/
COPY --from=build /out/app/ /opt/tempdb/app/
# Numeric, so Kubernetes can verify runAsNonRoot without a passwd entry.
USER 65532:65532
# The management port: /metrics, /healthz/live, /healthz/ready, /healthz/startup.
EXPOSE 8080
# Container-aware heap sizing; exit (and be restarted) on OutOfMemoryError instead of limping on;
# no hsperfdata file, so nothing is written outside /tmp (an emptyDir in the manifests; the TLS
# trust stores of DatabaseServers are written there). Add flags with JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", \
    "-XX:MaxRAMPercentage=75", \
    "-XX:+ExitOnOutOfMemoryError", \
    "-XX:-UsePerfData", \
    "-Djava.io.tmpdir=/tmp", \
    "-cp", "/opt/tempdb/app/*:/opt/tempdb/lib/*", \
    "dev.tempdb.operator.Main"]
