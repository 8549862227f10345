package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.KubeRayVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's command line read as each release's main.go reads it. */
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
    assertThat(o.notEmulated())
        .containsExactly(
            "--feature-gates RayClusterStatusConditions=false",
            "--feature-gates RayJobDeletionPolicy=true");
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
}
