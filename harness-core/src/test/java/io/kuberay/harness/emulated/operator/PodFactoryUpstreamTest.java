package io.kuberay.harness.emulated.operator;

import static io.kuberay.harness.emulated.operator.UpstreamSpecs.UID;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.cluster;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.flavor;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.head;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cases of KubeRay's {@code common/pod_test.go} for the pod builders: {@code
 * TestBuildPod_WithOverwriteCommand}, {@code TestConfigureGCSFaultToleranceWithAnnotations}, {@code
 * TestConfigureGCSFaultToleranceWithGcsFTOptions} (v1.5.0, v1.7.0), v1.1.0's {@code
 * initTemplateAnnotations} behaviour and the env of {@code TestBuildPod_WithCreatedByRayService}.
 */
class PodFactoryUpstreamTest {

  private static final String SVC = "raycluster-sample-head-svc";

  private static Pod headPod(String version, RayClusterView c) {
    return new PodFactory(flavor(version)).headPod(c, SVC);
  }

  private static Pod workerPod(String version, RayClusterView c) {
    return new PodFactory(flavor(version)).workerPod(c, c.workerGroups().get(0), SVC);
  }

  private static Optional<EnvVar> env(Pod pod, String name) {
    Container ray = pod.getSpec().getContainers().get(0);
    return ray.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst();
  }

  private static String headWith(String containerExtra, String groupExtra) {
    return "  headGroupSpec:\n"
        + groupExtra
        + "    template:\n      spec:\n        containers:\n        - name: ray-head\n          image: rayproject/ray:2.52.0\n"
        + containerExtra;
  }

  private static String workerWith(String containerExtra) {
    return "  workerGroupSpecs:\n  - groupName: worker-group\n    replicas: 1\n    minReplicas: 0\n    maxReplicas: 5\n"
        + "    template:\n      spec:\n        containers:\n        - name: ray-worker\n          image: rayproject/ray:2.52.0\n"
        + containerExtra;
  }

  /**
   * {@code labelPod} (common/pod.go, v1.1.0-v1.7.0) builds a pod's labels from its template and the
   * Ray node labels only: a RayJob's or RayService's {@code ray.io/originated-from-*} labels stay
   * on the RayCluster (on k3s, v1.5.0's head pod of ray-job.sample's cluster had none). The cluster
   * label still names the creator in the head's usage-stats tag.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void podsOfARayJobsClusterDoNotCarryItsOriginatedFromLabels(String v) {
    RayClusterView c =
        cluster(
            "  labels:\n    ray.io/originated-from-cr-name: rayjob-sample\n"
                + "    ray.io/originated-from-crd: RayJob\n",
            head("") + worker(""));
    for (Pod pod : new Pod[] {headPod(v, c), workerPod(v, c)}) {
      assertThat(pod.getMetadata().getLabels())
          .containsEntry("ray.io/cluster", "raycluster-sample")
          .doesNotContainKeys("ray.io/originated-from-cr-name", "ray.io/originated-from-crd");
    }
    assertThat(env(headPod(v, c), "RAY_USAGE_STATS_EXTRA_TAGS").map(EnvVar::getValue))
        .hasValueSatisfying(tags -> assertThat(tags).endsWith("kuberay_crd=RayJob"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void overwriteContainerCmdAnnotationOnTheClusterKeepsTheUsersCommand(String v) {
    RayClusterView c =
        cluster(
            "  annotations:\n    ray.io/overwrite-container-cmd: \"true\"\n",
            headWith(
                    "          command: [\"I am head\"]\n          args: [\"I am head again\"]\n",
                    "")
                + workerWith(
                    "          command: [\"I am worker\"]\n          args: [\"I am worker again\"]\n"));
    Pod head = headPod(v, c);
    Pod worker = workerPod(v, c);
    assertThat(head.getSpec().getContainers().get(0).getCommand()).containsExactly("I am head");
    assertThat(head.getSpec().getContainers().get(0).getArgs()).containsExactly("I am head again");
    assertThat(worker.getSpec().getContainers().get(0).getCommand()).containsExactly("I am worker");
    assertThat(worker.getSpec().getContainers().get(0).getArgs())
        .containsExactly("I am worker again");
    // initTemplateAnnotations copies the annotation to every pod template.
    assertThat(head.getMetadata().getAnnotations())
        .containsEntry("ray.io/overwrite-container-cmd", "true");
    assertThat(worker.getMetadata().getAnnotations())
        .containsEntry("ray.io/overwrite-container-cmd", "true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void withoutTheAnnotationKubeRayGeneratesTheCommand(String v) {
    RayClusterView c = cluster(headWith("          command: [\"I am head\"]\n", "") + worker(""));
    Pod head = headPod(v, c);
    assertThat(head.getMetadata().getAnnotations())
        .doesNotContainKey("ray.io/overwrite-container-cmd");
    assertThat(String.join(" ", head.getSpec().getContainers().get(0).getArgs()))
        .contains("I am head && ulimit -n")
        .contains("ray start --head");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void gcsFaultToleranceWithAnnotation(String v) {
    String redisEnv =
        "          env:\n          - name: RAY_REDIS_ADDRESS\n            value: redis:6379\n";
    RayClusterView on =
        cluster(
            "  annotations:\n    ray.io/ft-enabled: \"true\"\n",
            headWith(redisEnv, "") + worker(""));
    Pod head = headPod(v, on);
    assertThat(head.getMetadata().getAnnotations())
        .containsEntry("ray.io/ft-enabled", "true")
        .containsEntry("ray.io/external-storage-namespace", UID);
    assertThat(env(head, "RAY_external_storage_namespace")).map(EnvVar::getValue).contains(UID);
    assertThat(env(head, "RAY_gcs_rpc_server_reconnect_timeout_s")).isEmpty();
    Pod w = workerPod(v, on);
    assertThat(w.getMetadata().getAnnotations())
        .doesNotContainKeys("ray.io/ft-enabled", "ray.io/external-storage-namespace");
    assertThat(env(w, "RAY_gcs_rpc_server_reconnect_timeout_s"))
        .map(EnvVar::getValue)
        .contains("600");
    assertThat(env(w, "RAY_external_storage_namespace")).isEmpty();
    assertThat(env(w, "RAY_REDIS_ADDRESS")).isEmpty();
    assertThat(env(w, "REDIS_PASSWORD")).isEmpty();

    RayClusterView storage =
        cluster(
            "  annotations:\n    ray.io/ft-enabled: \"true\"\n    ray.io/external-storage-namespace: test-ns\n",
            headWith(redisEnv, "    rayStartParams:\n      redis-password: test-password\n")
                + worker(""));
    Pod h2 = headPod(v, storage);
    assertThat(h2.getMetadata().getAnnotations())
        .containsEntry("ray.io/external-storage-namespace", "test-ns");
    assertThat(env(h2, "RAY_external_storage_namespace")).map(EnvVar::getValue).contains("test-ns");
    assertThat(env(h2, "REDIS_PASSWORD")).map(EnvVar::getValue).contains("test-password");

    RayClusterView off =
        cluster("  annotations:\n    ray.io/ft-enabled: \"false\"\n", head("") + worker(""));
    assertThat(headPod(v, off).getMetadata().getAnnotations())
        .containsEntry("ray.io/ft-enabled", "false")
        .doesNotContainKey("ray.io/external-storage-namespace");
    assertThat(env(workerPod(v, off), "RAY_gcs_rpc_server_reconnect_timeout_s")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void gcsFaultToleranceWithOptions(String v) {
    RayClusterView c =
        cluster(
            "  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n    externalStorageNamespace: test-ns\n"
                + "    redisUsername:\n      value: test-username\n"
                + "    redisPassword:\n      valueFrom:\n        secretKeyRef:\n          name: redis-password-secret\n          key: password\n"
                + head("")
                + worker(""));
    Pod head = headPod(v, c);
    assertThat(head.getMetadata().getAnnotations())
        .containsEntry("ray.io/ft-enabled", "true")
        .containsEntry("ray.io/external-storage-namespace", "test-ns");
    assertThat(env(head, "RAY_REDIS_ADDRESS")).map(EnvVar::getValue).contains("redis:6379");
    assertThat(env(head, "REDIS_USERNAME")).map(EnvVar::getValue).contains("test-username");
    assertThat(env(head, "REDIS_PASSWORD"))
        .hasValueSatisfying(
            e -> {
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo("redis-password-secret");
            });
    assertThat(env(head, "RAY_external_storage_namespace"))
        .map(EnvVar::getValue)
        .contains("test-ns");
    // The credentials reach ray start through the env, by reference.
    assertThat(env(head, "KUBERAY_GEN_RAY_START_CMD"))
        .hasValueSatisfying(
            e ->
                assertThat(e.getValue())
                    .contains("--redis-password=$REDIS_PASSWORD")
                    .contains("--redis-username=$REDIS_USERNAME"));
    Pod w = workerPod(v, c);
    assertThat(env(w, "RAY_gcs_rpc_server_reconnect_timeout_s"))
        .map(EnvVar::getValue)
        .contains("600");
    assertThat(env(w, "RAY_REDIS_ADDRESS")).isEmpty();
    assertThat(w.getMetadata().getAnnotations()).doesNotContainKey("ray.io/ft-enabled");
  }

  @Test
  void v110AnnotatesEveryPodAndIgnoresOptions() {
    RayClusterView on =
        cluster("  annotations:\n    ray.io/ft-enabled: \"true\"\n", head("") + worker(""));
    Pod head = headPod("v1.1.0", on);
    Pod w = workerPod("v1.1.0", on);
    assertThat(head.getMetadata().getAnnotations())
        .containsEntry("ray.io/ft-enabled", "true")
        .containsEntry("ray.io/external-storage-namespace", UID);
    assertThat(w.getMetadata().getAnnotations())
        .containsEntry("ray.io/ft-enabled", "true")
        .containsEntry("ray.io/external-storage-namespace", UID);
    assertThat(env(head, "RAY_external_storage_namespace")).map(EnvVar::getValue).contains(UID);
    assertThat(env(w, "RAY_gcs_rpc_server_reconnect_timeout_s"))
        .map(EnvVar::getValue)
        .contains("600");
    assertThat(env(head, "RAY_gcs_rpc_server_reconnect_timeout_s")).isEmpty();
    RayClusterView plain = cluster(head("") + worker(""));
    assertThat(headPod("v1.1.0", plain).getMetadata().getAnnotations())
        .containsEntry("ray.io/ft-enabled", "false");
    assertThat(workerPod("v1.1.0", plain).getMetadata().getAnnotations())
        .containsEntry("ray.io/ft-enabled", "false");
  }

  /**
   * TestBuildPod_WithCreatedByRayService: setContainerEnvVars (common/pod.go, v1.1.0 to v1.7.0)
   * gives the Ray container of a RayService's pods, head and workers alike, {@code
   * RAY_timeout_ms_task_wait_for_death_info=0}, {@code RAY_gcs_server_request_timeout_seconds=5}
   * and {@code RAY_SERVE_KV_TIMEOUT_S=5} when the user has not set them.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void rayServiceClusterPodsGetTheServeSlaEnv(String v) {
    String fromRayService =
        "  labels:\n    ray.io/originated-from-crd: RayService\n"
            + "    ray.io/originated-from-cr-name: rayservice-sample\n";
    RayClusterView c =
        cluster(
            fromRayService,
            headWith(
                    "          env:\n          - name: RAY_SERVE_KV_TIMEOUT_S\n            value: \"30\"\n",
                    "")
                + worker(""));
    for (Pod pod : new Pod[] {headPod(v, c), workerPod(v, c)}) {
      assertThat(env(pod, "RAY_timeout_ms_task_wait_for_death_info"))
          .map(EnvVar::getValue)
          .contains("0");
      assertThat(env(pod, "RAY_gcs_server_request_timeout_seconds"))
          .map(EnvVar::getValue)
          .contains("5");
    }
    // The user's value wins, and is not repeated.
    assertThat(headPod(v, c).getSpec().getContainers().get(0).getEnv())
        .filteredOn(e -> "RAY_SERVE_KV_TIMEOUT_S".equals(e.getName()))
        .extracting(EnvVar::getValue)
        .containsExactly("30");
    assertThat(env(workerPod(v, c), "RAY_SERVE_KV_TIMEOUT_S")).map(EnvVar::getValue).contains("5");

    RayClusterView fromRayJob =
        cluster("  labels:\n    ray.io/originated-from-crd: RayJob\n", head("") + worker(""));
    RayClusterView plain = cluster(head("") + worker(""));
    for (Pod pod :
        new Pod[] {
          headPod(v, fromRayJob), workerPod(v, fromRayJob), headPod(v, plain), workerPod(v, plain)
        }) {
      assertThat(env(pod, "RAY_timeout_ms_task_wait_for_death_info")).isEmpty();
      assertThat(env(pod, "RAY_gcs_server_request_timeout_seconds")).isEmpty();
      assertThat(env(pod, "RAY_SERVE_KV_TIMEOUT_S")).isEmpty();
    }
  }
}
