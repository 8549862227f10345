package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.emulated.support.Maps;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A RayCluster the operator refuses never becomes ready: {@code awaitReady} says so at once, with
 * the operator's words, instead of waiting out its timeout; a fixed cluster of the same name is not
 * held to the old object's events.
 */
class RayClusterRefusalIT {

  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata: {name: %s}
      spec:
        rayVersion: '2.52.0'
        headGroupSpec:
          rayStartParams: {}
          template:
            spec:
              containers: %s
      """;
  private static final String HEAD =
      "[{name: ray-head, image: 'rayproject/ray:2.52.0', resources: {requests: {cpu: '1'}}}]";
  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env = KubeRayEnvironment.builder().kuberayVersion("v1.7.0").rayMode(RayMode.OFF).startExactly();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @DisplayName("an invalid spec fails awaitReady at once with InvalidRayClusterSpec's message")
  void aRefusedSpecFailsTheWaitAtOnce() {
    RayClusterHandle refused = env.rayClusters().createFromYaml(CLUSTER.formatted("refused", "[]"));
    long start = System.nanoTime();
    assertThatThrownBy(() -> refused.awaitReady(Duration.ofMinutes(2)))
        .isInstanceOf(WaitTimeoutException.class)
        .hasMessageContaining("cannot happen any more")
        .hasMessageContaining(
            "InvalidRayClusterSpec: The RayCluster spec is invalid default/refused: headGroupSpec should have at least one container");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

    refused.delete();
    Waits.until(
        "RayCluster default/refused",
        "deleted",
        Duration.ofSeconds(30),
        () ->
            env.client()
                    .genericKubernetesResources("ray.io/v1", "RayCluster")
                    .inNamespace("default")
                    .withName("refused")
                    .get()
                == null,
        gone -> gone,
        String::valueOf,
        null);
    RayClusterHandle fixed = env.rayClusters().createFromYaml(CLUSTER.formatted("refused", HEAD));
    fixed.awaitReady(Duration.ofMinutes(1));
    assertThat(fixed.headPod().name()).startsWith("refused-head-");
  }

  @Test
  @DisplayName("a refused spec fixed in place: the old refusal does not fail the wait")
  void aSpecFixedInPlaceBecomesReady() {
    RayClusterHandle cluster = env.rayClusters().createFromYaml(CLUSTER.formatted("edited", "[]"));
    assertThatThrownBy(() -> cluster.awaitReady(Duration.ofMinutes(1)))
        .hasMessageContaining("InvalidRayClusterSpec");
    env.client()
        .genericKubernetesResources("ray.io/v1", "RayCluster")
        .inNamespace("default")
        .withName("edited")
        .edit(
            r -> {
              Map<String, Object> spec = Maps.map(r.getAdditionalProperties().get("spec"));
              Map<String, Object> template =
                  Maps.map(Maps.map(spec.get("headGroupSpec")).get("template"));
              Maps.map(template.get("spec"))
                  .put(
                      "containers",
                      List.of(
                          Map.of(
                              "name",
                              "ray-head",
                              "image",
                              "rayproject/ray:2.52.0",
                              "resources",
                              Map.of("requests", Map.of("cpu", "1")))));
              return r;
            });
    cluster.awaitReady(Duration.ofMinutes(1));
  }
}
