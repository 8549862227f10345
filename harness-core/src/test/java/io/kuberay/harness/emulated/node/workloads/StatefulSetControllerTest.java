package io.kuberay.harness.emulated.node.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * kube-controller-manager's StatefulSet controller and the claim binder on the in-memory API
 * server.
 */
class StatefulSetControllerTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final WorkloadTestCluster cluster = new WorkloadTestCluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  @DisplayName(
      "OrderedReady: redis-0 and its bound claim data-redis-0 first, redis-1 once redis-0 is Ready; labels, hostname, claim volume and status as the controller writes them")
  void orderedPodsAndClaims() {
    cluster.client.resource(redis(2)).create();
    await("redis-0 alone", () -> assertThat(names()).containsExactly("redis-0"));
    Pod first = pod("redis-0");
    assertThat(first.getMetadata().getLabels())
        .containsEntry("app", "redis")
        .containsEntry("statefulset.kubernetes.io/pod-name", "redis-0")
        .containsEntry("apps.kubernetes.io/pod-index", "0")
        .containsKey("controller-revision-hash");
    assertThat(first.getMetadata().getLabels().get("controller-revision-hash"))
        .startsWith("redis-");
    assertThat(first.getSpec().getHostname()).isEqualTo("redis-0");
    assertThat(first.getSpec().getSubdomain()).isEqualTo("redis");
    assertThat(first.getSpec().getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("data");
              assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("data-redis-0");
            });
    assertThat(first.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("StatefulSet"));
    await(
        "claim data-redis-0 Bound by local-path",
        () -> {
          PersistentVolumeClaim c = claim("data-redis-0");
          assertThat(c.getStatus().getPhase()).isEqualTo("Bound");
          assertThat(c.getSpec().getStorageClassName()).isEqualTo("local-path");
          assertThat(c.getSpec().getVolumeName()).isEqualTo("pvc-" + c.getMetadata().getUid());
          assertThat(c.getStatus().getCapacity()).containsEntry("storage", new Quantity("1Gi"));
          assertThat(c.getMetadata().getLabels()).containsEntry("app", "redis");
        });

    cluster.podsBecomeReady();
    await(
        "redis-1 after redis-0 is Ready",
        () -> assertThat(names()).containsExactly("redis-0", "redis-1"));
    cluster.podsBecomeReady();
    await(
        "StatefulSet redis 2/2",
        () -> {
          StatefulSet s = sts();
          assertThat(s.getStatus().getReplicas()).isEqualTo(2);
          assertThat(s.getStatus().getReadyReplicas()).isEqualTo(2);
          assertThat(s.getStatus().getAvailableReplicas()).isEqualTo(2);
          assertThat(s.getStatus().getCurrentReplicas()).isEqualTo(2);
          assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(2);
          assertThat(s.getStatus().getCurrentRevision())
              .isEqualTo(s.getStatus().getUpdateRevision());
          assertThat(s.getStatus().getObservedGeneration())
              .isEqualTo(s.getMetadata().getGeneration());
        });
    assertThat(cluster.events("redis", "SuccessfulCreate"))
        .containsExactlyInAnyOrder(
            "create Claim data-redis-0 Pod redis-0 in StatefulSet redis success",
            "create Pod redis-0 in StatefulSet redis successful",
            "create Claim data-redis-1 Pod redis-1 in StatefulSet redis success",
            "create Pod redis-1 in StatefulSet redis successful");
  }

  @Test
  @DisplayName(
      "a deleted pod comes back with its name and claim; scaling down removes the highest ordinal and keeps its claim")
  void replaceAndScaleDown() {
    cluster.client.resource(redis(2)).create();
    await("redis-0", () -> assertThat(names()).containsExactly("redis-0"));
    cluster.podsBecomeReady();
    await("redis-1", () -> assertThat(names()).containsExactly("redis-0", "redis-1"));
    cluster.podsBecomeReady();
    String uid = pod("redis-0").getMetadata().getUid();
    cluster.client.pods().inNamespace("default").withName("redis-0").delete();
    await(
        "redis-0 made again",
        () ->
            assertThat(pod("redis-0"))
                .isNotNull()
                .satisfies(p -> assertThat(p.getMetadata().getUid()).isNotEqualTo(uid)));
    cluster.podsBecomeReady();
    cluster.scale(
        "StatefulSet redis",
        cluster.client.apps().statefulSets().inNamespace("default").withName("redis"),
        1);
    await("redis-1 gone", () -> assertThat(names()).containsExactly("redis-0"));
    assertThat(claim("data-redis-1")).as("the claim of the removed ordinal (Retain)").isNotNull();
    assertThat(cluster.events("redis", "SuccessfulDelete"))
        .contains("delete Pod redis-1 in StatefulSet redis successful");
  }

  private static void await(String what, ThrowingRunnable assertion) {
    Awaitility.await(what).atMost(WAIT).untilAsserted(assertion);
  }

  private List<String> names() {
    return cluster.pods().stream().map(p -> p.getMetadata().getName()).sorted().toList();
  }

  private Pod pod(String name) {
    return cluster.client.pods().inNamespace("default").withName(name).get();
  }

  private PersistentVolumeClaim claim(String name) {
    return cluster.client.persistentVolumeClaims().inNamespace("default").withName(name).get();
  }

  private StatefulSet sts() {
    return cluster.client.apps().statefulSets().inNamespace("default").withName("redis").get();
  }

  private static StatefulSet redis(int replicas) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName("redis")
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName("redis")
        .withNewSelector()
        .addToMatchLabels("app", "redis")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "redis")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("redis")
        .withImage("redis:7.4.0")
        .addNewVolumeMount()
        .withName("data")
        .withMountPath("/data")
        .endVolumeMount()
        .endContainer()
        .endSpec()
        .endTemplate()
        .addNewVolumeClaimTemplate()
        .withNewMetadata()
        .withName("data")
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withNewResources()
        .addToRequests("storage", new Quantity("1Gi"))
        .endResources()
        .endSpec()
        .endVolumeClaimTemplate()
        .endSpec()
        .build();
  }
}
