package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.KubeRayVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator's command line read as each release's main.go reads it, and its environment as the
 * release's controllers read it.
 */
class OperatorOptionsTest {

  @Test
  void eachReleaseHasItsGatesAtTheirDefaults() {
    OperatorOptions v15 = OperatorOptions.defaults(KubeRayVersion.V1_5_0);
    assertThat(v15.enabled("RayClusterStatusConditions")).isTrue();
    assertThat(v15.enabled("RayJobDeletionPolicy")).isFalse();
    assertThat(OperatorOptions.defaults(KubeRayVersion.V1_7_0).enabled("RayJobDeletionPolicy"))
        .isTrue();
    assertThat(
            OperatorOptions.defaults(KubeRayVersion.V1_1_0).enabled("RayClusterStatusConditions"))
        .as("v1.1.0 has no feature gates")
        .isFalse();
    assertThat(v15.watches("anywhere")).isTrue();
    assertThat(v15.notEmulated()).isEmpty();
  }

  @Test
  void theChartsCommandLinesAreReadAsTheirDefaults() {
    // helm template of kuberay-operator 1.5.0 with its default values
    OperatorOptions chart =
        OperatorOptions.parse(
            KubeRayVersion.V1_5_0,
            List.of(
                "--feature-gates=RayClusterStatusConditions=true,RayJobDeletionPolicy=false,"
                    + "RayMultiHostIndexing=false,RayServiceIncrementalUpgrade=false",
                "--log-stdout-encoder",
                "json",
                "--log-file-encoder",
                "json",
                "--enable-leader-election=true",
                "--enable-metrics=true",
                "--reconcile-concurrency=1",
                "--qps=100",
                "--burst=200"));
    assertThat(chart).isEqualTo(OperatorOptions.defaults(KubeRayVersion.V1_5_0));
    assertThat(OperatorOptions.parse(KubeRayVersion.V1_1_0, List.of()))
        .isEqualTo(OperatorOptions.defaults(KubeRayVersion.V1_1_0));
  }

  @Test
  void gatesAndNamespacesChangeWhatTheOperatorDoes() {
    OperatorOptions o =
        OperatorOptions.parse(
            KubeRayVersion.V1_5_0,
            List.of(
                "-feature-gates",
                "RayJobDeletionPolicy=true,RayClusterStatusConditions=f",
                "--watch-namespace=team-a,team-b"));
    assertThat(o.enabled("RayJobDeletionPolicy")).isTrue();
    assertThat(o.enabled("RayClusterStatusConditions")).isFalse();
    assertThat(o.watches("team-b")).isTrue();
    assertThat(o.watches("default")).isFalse();
    // RayJobDeletionPolicy's effects are all emulated (validation, deletionStrategy, suspend).
    assertThat(o.notEmulated()).containsExactly("--feature-gates RayClusterStatusConditions=false");
    assertThat(new OperatorFlavor(KubeRayVersion.V1_5_0, o).hasConditions()).isFalse();
    assertThat(new OperatorFlavor(KubeRayVersion.V1_5_0, o).rayJobDeletionPolicyGate()).isTrue();
  }

  @Test
  void flagsTheEmulatorDoesNotCarryOutAreNamed() {
    OperatorOptions o =
        OperatorOptions.parse(
            KubeRayVersion.V1_5_0,
            List.of("--batch-scheduler=volcano", "--use-kubernetes-proxy", "--enable-metrics"));
    assertThat(o.notEmulated())
        .containsExactly("--batch-scheduler=volcano", "--use-kubernetes-proxy");
  }

  @Test
  void aCommandLineTheRealOperatorExitsOnFailsWithItsMessage() {
    assertThatThrownBy(
            () ->
                OperatorOptions.parse(
                    KubeRayVersion.V1_1_0, List.of("--feature-gates=RayJobDeletionPolicy=true")))
        .hasMessage("flag provided but not defined: -feature-gates");
    assertThatThrownBy(
            () ->
                OperatorOptions.parse(KubeRayVersion.V1_5_0, List.of("--feature-gates=Nope=true")))
        .hasMessage("Unable to set flag gates for known features: unrecognized feature gate: Nope");
    assertThatThrownBy(
            () ->
                OperatorOptions.parse(
                    KubeRayVersion.V1_5_0, List.of("--feature-gates=RayCronJob=true")))
        .as("v1.7.0's gate on v1.5.0")
        .hasMessageContaining("unrecognized feature gate: RayCronJob");
    assertThatThrownBy(
            () ->
                OperatorOptions.parse(
                    KubeRayVersion.V1_5_0, List.of("--feature-gates=RayJobDeletionPolicy=yes")))
        .hasMessageContaining("invalid value of RayJobDeletionPolicy=yes");
    assertThatThrownBy(
            () -> OperatorOptions.parse(KubeRayVersion.V1_5_0, List.of("--watch-namespace")))
        .hasMessage("flag needs an argument: -watch-namespace");
    assertThatThrownBy(
            () -> OperatorOptions.parse(KubeRayVersion.V1_5_0, List.of("--enable-metrics=maybe")))
        .hasMessageContaining("invalid boolean value \"maybe\" for -enable-metrics");
  }

  /** An operator container with these env entries (name, then value; null: {@code valueFrom}). */
  private static Map<String, Object> container(String... nameThenValue) {
    List<Object> env = new ArrayList<>();
    for (int i = 0; i < nameThenValue.length; i += 2) {
      env.add(
          nameThenValue[i + 1] == null
              ? Map.of(
                  "name",
                  nameThenValue[i],
                  "valueFrom",
                  Map.of("configMapKeyRef", Map.of("name", "flags", "key", "k")))
              : Map.of("name", nameThenValue[i], "value", nameThenValue[i + 1]));
    }
    return Map.of("name", "kuberay-operator", "image", "quay.io/kuberay/operator", "env", env);
  }

  /**
   * Every release (v1.1.0 to v1.7.0 raycluster_controller.go) reads {@code
   * strings.ToLower(os.Getenv("ENABLE_GCS_FT_REDIS_CLEANUP")) != "false"}: on when absent, off only
   * for "false" in any case.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void theRedisCleanupFlagIsReadFromTheContainersEnvAsEachReleaseReadsIt(String release) {
    KubeRayVersion v = KubeRayVersion.of(release);
    assertThat(OperatorOptions.defaults(v).gcsFtRedisCleanup()).as("default").isTrue();
    assertThat(OperatorOptions.fromContainer(v, container()).gcsFtRedisCleanup())
        .as("absent")
        .isTrue();
    assertThat(OperatorOptions.fromContainer(v, Map.of("args", List.of())).gcsFtRedisCleanup())
        .as("no env at all")
        .isTrue();
    for (String off : List.of("false", "FALSE", "False")) {
      OperatorOptions o =
          OperatorOptions.fromContainer(v, container("ENABLE_GCS_FT_REDIS_CLEANUP", off));
      assertThat(o.gcsFtRedisCleanup()).as(off).isFalse();
      assertThat(o.env("ENABLE_GCS_FT_REDIS_CLEANUP")).contains(off);
      assertThat(o.notEmulated()).as("carried out").isEmpty();
      assertThat(o).isNotEqualTo(OperatorOptions.defaults(v));
    }
    for (String on : List.of("true", "TRUE", "", "0", "no", " false")) {
      assertThat(
              OperatorOptions.fromContainer(v, container("ENABLE_GCS_FT_REDIS_CLEANUP", on))
                  .gcsFtRedisCleanup())
          .as("'" + on + "'")
          .isTrue();
    }
    assertThat(
            OperatorOptions.fromContainer(
                    v,
                    container(
                        "ENABLE_GCS_FT_REDIS_CLEANUP",
                        "false",
                        "ENABLE_GCS_FT_REDIS_CLEANUP",
                        "true"))
                .gcsFtRedisCleanup())
        .as("a later entry of the same name wins, as in the container's process")
        .isTrue();
  }

  @Test
  void anEnvFlagFromValueFromIsReadAsUnsetAndSaidSo() {
    OperatorOptions o =
        OperatorOptions.fromContainer(
            KubeRayVersion.V1_5_0, container("ENABLE_GCS_FT_REDIS_CLEANUP", null));
    assertThat(o.gcsFtRedisCleanup()).isTrue();
    assertThat(o.env("ENABLE_GCS_FT_REDIS_CLEANUP")).isEmpty();
    assertThat(o.notEmulated())
        .containsExactly("env ENABLE_GCS_FT_REDIS_CLEANUP from valueFrom (read as unset)");
  }

  @Test
  void envFlagsTheEmulatorDoesNotCarryOutAreNamedPerRelease() {
    Map<String, Object> c =
        container(
            "ENABLE_INIT_CONTAINER_INJECTION", "False",
            "ENABLE_PROBES_INJECTION", "true",
            "ENABLE_RAY_HEAD_CLUSTER_IP_SERVICE", "true",
            "ENABLE_DETERMINISTIC_HEAD_POD_NAME", "TRUE",
            "RAYCLUSTER_DEFAULT_REQUEUE_SECONDS_ENV", "300",
            "RAYJOB_STATUS_CHECK_TIMEOUT_SECONDS", "60",
            "CLUSTER_DOMAIN", "corp.local",
            "USE_INGRESS_ON_OPENSHIFT", "true",
            "SOMETHING_ELSE", "1");
    assertThat(OperatorOptions.fromContainer(KubeRayVersion.V1_1_0, c).notEmulated())
        .as("v1.1.0 has neither the head ClusterIP nor the deterministic name variable")
        .containsExactly(
            "env ENABLE_INIT_CONTAINER_INJECTION=False", "env CLUSTER_DOMAIN=corp.local");
    assertThat(OperatorOptions.fromContainer(KubeRayVersion.V1_5_0, c).notEmulated())
        .containsExactly(
            "env ENABLE_INIT_CONTAINER_INJECTION=False",
            "env CLUSTER_DOMAIN=corp.local",
            "env ENABLE_RAY_HEAD_CLUSTER_IP_SERVICE=true",
            "env ENABLE_DETERMINISTIC_HEAD_POD_NAME=TRUE");
    OperatorOptions v17 = OperatorOptions.fromContainer(KubeRayVersion.V1_7_0, c);
    assertThat(v17.notEmulated())
        .as("RAYJOB_STATUS_CHECK_TIMEOUT_SECONDS is carried out")
        .containsExactly(
            "env ENABLE_INIT_CONTAINER_INJECTION=False",
            "env CLUSTER_DOMAIN=corp.local",
            "env ENABLE_RAY_HEAD_CLUSTER_IP_SERVICE=true",
            "env ENABLE_DETERMINISTIC_HEAD_POD_NAME=TRUE");
    assertThat(v17.env("SOMETHING_ELSE")).as("not read by the release").isEmpty();
    assertThat(v17.env("USE_INGRESS_ON_OPENSHIFT")).contains("true");
  }

  @Test
  void theRayJobControllersTimeoutsAreReadFromTheEnvOfTheReleasesThatHaveThem() {
    Map<String, Object> c =
        container(
            "RAYJOB_DEPLOYMENT_STATUS_TRANSITION_GRACE_PERIOD_SECONDS", "10",
            "RAYJOB_STATUS_CHECK_TIMEOUT_SECONDS", "60");
    OperatorFlavor v17 =
        new OperatorFlavor(
            KubeRayVersion.V1_7_0, OperatorOptions.fromContainer(KubeRayVersion.V1_7_0, c));
    assertThat(v17.options().notEmulated()).isEmpty();
    assertThat(v17.rayJobTransitionGracePeriod()).hasSeconds(10);
    assertThat(v17.rayJobStatusCheckTimeout()).hasSeconds(60);

    OperatorFlavor v15 =
        new OperatorFlavor(
            KubeRayVersion.V1_5_0, OperatorOptions.fromContainer(KubeRayVersion.V1_5_0, c));
    assertThat(v15.options().notEmulated()).isEmpty();
    assertThat(v15.rayJobTransitionGracePeriod()).hasSeconds(10);
    assertThat(v15.options().env("RAYJOB_STATUS_CHECK_TIMEOUT_SECONDS"))
        .as("a v1.7.0 variable")
        .isEmpty();
    assertThat(v15.rayJobStatusCheckTimeout()).hasSeconds(300);

    OperatorFlavor defaults = new OperatorFlavor(KubeRayVersion.V1_7_0);
    assertThat(defaults.rayJobTransitionGracePeriod()).hasSeconds(300);
    assertThat(defaults.rayJobStatusCheckTimeout()).hasSeconds(300);
  }
}
