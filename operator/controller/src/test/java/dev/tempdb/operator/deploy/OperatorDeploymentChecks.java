package dev.tempdb.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;

/** What the operator's Deployment must look like, however it was rendered. */
final class OperatorDeploymentChecks {
  private OperatorDeploymentChecks() {}

  static void assertSecureAndProbed(Deployment deployment) {
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    assertThat(pod.getContainers()).hasSize(1);
    Container c = pod.getContainers().get(0);
    var sc = c.getSecurityContext();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);

    // The only writable path is /tmp, an emptyDir.
    assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    String tmpVolume =
        c.getVolumeMounts().stream()
            .filter(m -> m.getMountPath().equals("/tmp"))
            .findFirst()
            .orElseThrow()
            .getName();
    Volume tmp =
        pod.getVolumes().stream().filter(v -> v.getName().equals(tmpVolume)).findFirst().get();
    assertThat(tmp.getEmptyDir()).isNotNull();

    assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz/startup");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz/live");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz/ready");
    // A JVM start plus informer sync must fit: at least two minutes before liveness applies.
    var startup = c.getStartupProbe();
    assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isGreaterThan(120);
    assertThat(c.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getContainerPort()).isEqualTo(8080);
              assertThat(p.getName()).isEqualTo(startup.getHttpGet().getPort().getStrVal());
            });

    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKey("memory");

    Map<String, EnvVar> env =
        c.getEnv().stream()
            .collect(java.util.stream.Collectors.toMap(EnvVar::getName, e -> e, (a, b) -> a));
    assertThat(env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    assertThat(env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(c.getEnvFrom()).anySatisfy(e -> assertThat(e.getConfigMapRef()).isNotNull());
  }

  /**
   * The settings ConfigMap the Deployment reads with envFrom, after checking that the operator
   * would start with it: every key known, every value valid.
   */
  static Map<String, String> settings(Deployment deployment, List<HasMetadata> objects) {
    Map<String, String> settings = configMap(deployment, objects);
    assertThat(dev.tempdb.operator.config.ConfigSources.unknown(settings)).isEmpty();
    Map<String, String> env = new java.util.HashMap<>(settings);
    env.put("POD_NAMESPACE", deployment.getMetadata().getNamespace());
    env.put("POD_NAME", "tempdb-operator-0");
    dev.tempdb.operator.config.OperatorConfig.fromSettings(env);
    return settings;
  }

  private static Map<String, String> configMap(Deployment deployment, List<HasMetadata> objects) {
    String name =
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom().stream()
            .filter(e -> e.getConfigMapRef() != null)
            .findFirst()
            .orElseThrow()
            .getConfigMapRef()
            .getName();
    return RenderedManifests.ofKind(
            objects, "ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class)
        .stream()
        .filter(cm -> cm.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ConfigMap " + name))
        .getData();
  }
}
