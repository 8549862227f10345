package io.kuberay.harness.emulated.node.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** kube-controller-manager's Deployment and ReplicaSet controllers on the in-memory API server. */
class DeploymentControllerTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final WorkloadTestCluster cluster = new WorkloadTestCluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  @DisplayName(
      "a Deployment gets a ReplicaSet <name>-<pod-template-hash> (revision 1) whose pods are <rs>-<5>; once they are ready the status is the controller's, with Available and Progressing")
  void rollsOutAReplicaSet() {
    cluster.client.resource(redis("redis", "redis:7.4.0", 1, null)).create();
    await(
        "a ReplicaSet and its pod",
        () -> {
          assertThat(replicaSets()).hasSize(1);
          assertThat(cluster.pods()).hasSize(1);
        });
    ReplicaSet rs = replicaSets().get(0);
    String hash = rs.getMetadata().getLabels().get("pod-template-hash");
    assertThat(hash).matches("[bcdfghjklmnpqrstvwxz2456789]{6,10}");
    assertThat(rs.getMetadata().getName()).isEqualTo("redis-" + hash);
    assertThat(rs.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1")
        .containsEntry("deployment.kubernetes.io/desired-replicas", "1");
    assertThat(rs.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Deployment");
              assertThat(o.getController()).isTrue();
            });
    assertThat(rs.getSpec().getSelector().getMatchLabels())
        .containsEntry("app", "redis")
        .containsEntry("pod-template-hash", hash);
    Pod pod = cluster.pods().get(0);
    assertThat(pod.getMetadata().getName()).matches("redis-" + hash + "-[a-z0-9]{5}");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("app", "redis")
        .containsEntry("pod-template-hash", hash);
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("ReplicaSet");
              assertThat(o.getName()).isEqualTo(rs.getMetadata().getName());
              assertThat(o.getController()).isTrue();
            });
    await(
        "Deployment redis not available while its pod is not ready",
        () ->
            assertThat(condition("redis", "Available").getReason())
                .isEqualTo("MinimumReplicasUnavailable"));

    cluster.podsBecomeReady();
    await(
        "Deployment redis 1/1 with NewReplicaSetAvailable",
        () -> {
          Deployment d = deployment("redis");
          assertThat(d.getStatus().getReplicas()).isEqualTo(1);
          assertThat(d.getStatus().getReadyReplicas()).isEqualTo(1);
          assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(1);
          assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(1);
          assertThat(d.getStatus().getUnavailableReplicas()).isNull();
          assertThat(d.getStatus().getObservedGeneration())
              .isEqualTo(d.getMetadata().getGeneration());
          assertThat(condition("redis", "Available").getReason())
              .isEqualTo("MinimumReplicasAvailable");
          assertThat(condition("redis", "Progressing").getReason())
              .isEqualTo("NewReplicaSetAvailable");
          assertThat(condition("redis", "Progressing").getMessage())
              .isEqualTo(
                  "ReplicaSet \"" + rs.getMetadata().getName() + "\" has successfully progressed.");
        });
    assertThat(deployment("redis").getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1");
    assertThat(cluster.events("redis", "ScalingReplicaSet"))
        .containsExactly("Scaled up replica set " + rs.getMetadata().getName() + " from 0 to 1");
    assertThat(cluster.events(rs.getMetadata().getName(), "SuccessfulCreate"))
        .containsExactly("Created pod: " + pod.getMetadata().getName());
  }

  @Test
  @DisplayName(
      "kubectl scale (the scale subresource) scales the ReplicaSet up and down; a deleted pod is replaced")
  void scalesAndReplaces() {
    cluster.client.resource(redis("redis", "redis:7.4.0", 1, null)).create();
    await("one pod", () -> assertThat(cluster.pods()).hasSize(1));
    cluster.scale(
        "Deployment redis",
        cluster.client.apps().deployments().inNamespace("default").withName("redis"),
        3);
    await("three pods", () -> assertThat(cluster.pods()).hasSize(3));
    cluster.podsBecomeReady();
    await(
        "Deployment redis 3 available",
        () -> assertThat(deployment("redis").getStatus().getAvailableReplicas()).isEqualTo(3));
    String rs = replicaSets().get(0).getMetadata().getName();
    assertThat(cluster.events("redis", "ScalingReplicaSet"))
        .contains("Scaled up replica set " + rs + " from 1 to 3");

    Pod gone = cluster.pods().get(0);
    cluster.client.resource(gone).delete();
    await(
        "the deleted pod replaced",
        () ->
            assertThat(cluster.pods())
                .hasSize(3)
                .noneMatch(p -> p.getMetadata().getName().equals(gone.getMetadata().getName())));

    cluster.scale(
        "Deployment redis",
        cluster.client.apps().deployments().inNamespace("default").withName("redis"),
        1);
    await("one pod left", () -> assertThat(cluster.pods()).hasSize(1));
    assertThat(cluster.events("redis", "ScalingReplicaSet"))
        .contains("Scaled down replica set " + rs + " from 3 to 1");
    assertThat(cluster.events(rs, "SuccessfulDelete")).hasSize(2);
  }

  @Test
  @DisplayName(
      "a changed template rolls out a new ReplicaSet (revision 2); the old one goes to 0 once the new one is available")
  void rollingUpdate() {
    cluster.client.resource(redis("redis", "redis:7.4.0", 1, null)).create();
    await("one pod", () -> assertThat(cluster.pods()).hasSize(1));
    cluster.podsBecomeReady();
    await(
        "rollout 1 complete",
        () ->
            assertThat(condition("redis", "Progressing").getReason())
                .isEqualTo("NewReplicaSetAvailable"));
    String first = replicaSets().get(0).getMetadata().getName();

    setImage("redis", "redis:7.2");
    await(
        "a second ReplicaSet with a pod beside the old one",
        () -> {
          assertThat(replicaSets()).hasSize(2);
          assertThat(cluster.pods()).hasSize(2);
        });
    ReplicaSet second =
        replicaSets().stream()
            .filter(r -> !r.getMetadata().getName().equals(first))
            .findFirst()
            .orElseThrow();
    assertThat(second.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "2");
    cluster.podsBecomeReady();
    await(
        "the old ReplicaSet at 0 and its pod gone",
        () -> {
          assertThat(cluster.pods())
              .singleElement()
              .satisfies(
                  p ->
                      assertThat(p.getSpec().getContainers().get(0).getImage())
                          .isEqualTo("redis:7.2"));
          assertThat(condition("redis", "Progressing").getReason())
              .isEqualTo("NewReplicaSetAvailable");
          assertThat(deployment("redis").getStatus().getUpdatedReplicas()).isEqualTo(1);
        });
    assertThat(deployment("redis").getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "2");
    assertThat(cluster.events("redis", "ScalingReplicaSet"))
        .contains("Scaled down replica set " + first + " from 1 to 0");
  }

  @Test
  @DisplayName("Recreate: the old pods go before the new ReplicaSet is made")
  void recreate() {
    Set<String> live = ConcurrentHashMap.newKeySet();
    AtomicInteger maxPods = new AtomicInteger();
    cluster.api.watch(
        ReplicaSetController.PODS,
        null,
        (type, p) -> {
          if ("DELETED".equals(type)) {
            live.remove(p.name());
          } else {
            live.add(p.name());
          }
          maxPods.accumulateAndGet(live.size(), Math::max);
        });
    cluster.client.resource(redis("redis", "redis:7.4.0", 1, "Recreate")).create();
    await("one pod", () -> assertThat(cluster.pods()).hasSize(1));
    cluster.podsBecomeReady();
    setImage("redis", "redis:7.2");
    await(
        "the new pod, the old one gone",
        () ->
            assertThat(cluster.pods())
                .singleElement()
                .satisfies(
                    p ->
                        assertThat(p.getSpec().getContainers().get(0).getImage())
                            .isEqualTo("redis:7.2")));
    assertThat(maxPods.get()).as("pods at once during the Recreate rollout").isEqualTo(1);
    assertThat(cluster.events("redis", "ScalingReplicaSet"))
        .anyMatch(m -> m.startsWith("Scaled down replica set") && m.endsWith("from 1 to 0"))
        .hasSize(3);
  }

  @Test
  @DisplayName(
      "deleting the Deployment takes its ReplicaSets and pods; the KubeRay operator's Deployment is left to the operator")
  void garbageCollectionAndTheOperator() {
    cluster.client.resource(redis("redis", "redis:7.4.0", 2, null)).create();
    cluster
        .client
        .resource(redis("kuberay-operator", "quay.io/kuberay/operator:v1.5.0", 1, null))
        .create();
    await("two pods", () -> assertThat(cluster.pods()).hasSize(2));
    cluster.client.apps().deployments().inNamespace("default").withName("redis").delete();
    await(
        "no ReplicaSet or pod left",
        () -> {
          assertThat(replicaSets()).isEmpty();
          assertThat(cluster.pods()).isEmpty();
        });
  }

  @Test
  @DisplayName(
      "kubectl delete --cascade=orphan (propagationPolicy Orphan): the ReplicaSet and its pods stay, without the owner reference")
  void orphanDeletion() {
    cluster.client.resource(redis("redis", "redis:7.4.0", 1, null)).create();
    await("one pod", () -> assertThat(cluster.pods()).hasSize(1));
    cluster
        .client
        .apps()
        .deployments()
        .inNamespace("default")
        .withName("redis")
        .withPropagationPolicy(DeletionPropagation.ORPHAN)
        .delete();
    await(
        "the ReplicaSet without its owner",
        () ->
            assertThat(replicaSets())
                .singleElement()
                .satisfies(
                    rs -> assertThat(rs.getMetadata().getOwnerReferences()).isNullOrEmpty()));
    assertThat(cluster.pods()).hasSize(1);
  }

  private static void await(String what, ThrowingRunnable assertion) {
    Awaitility.await(what).atMost(WAIT).untilAsserted(assertion);
  }

  /** Sets the template's image, as kubectl set image does; retried on a conflict. */
  private void setImage(String name, String image) {
    Awaitility.await("the image of Deployment " + name + " set to " + image)
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              cluster
                  .client
                  .apps()
                  .deployments()
                  .inNamespace("default")
                  .withName(name)
                  .edit(
                      d -> {
                        d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
                        return d;
                      });
              return true;
            });
  }

  @Test
  @DisplayName(
      "a pod the API server refuses (its ServiceAccount is missing) is the ReplicaSet's FailedCreate warning with kube-apiserver's message and its ReplicaFailure condition, copied to the Deployment; both go once the account exists")
  void aRefusedPodIsFailedCreateAndReplicaFailure() {
    Deployment d = redis("redis", "redis:7.4.0", 1, null);
    d.getSpec().getTemplate().getSpec().setServiceAccountName("my-ksa");
    cluster.client.resource(d).create();
    await("a ReplicaSet of redis", () -> assertThat(replicaSets()).hasSize(1));
    String rs = replicaSets().get(0).getMetadata().getName();
    String refusal =
        "pods \""
            + rs
            + "-\" is forbidden: error looking up service account default/my-ksa: serviceaccount \"my-ksa\" not found";
    await(
        "FailedCreate on ReplicaSet " + rs,
        () ->
            assertThat(cluster.events(rs, "FailedCreate")).contains("Error creating: " + refusal));
    await(
        "ReplicaFailure on ReplicaSet " + rs,
        () ->
            assertThat(replicaSets().get(0).getStatus().getConditions())
                .singleElement()
                .satisfies(
                    c -> {
                      assertThat(c.getType()).isEqualTo("ReplicaFailure");
                      assertThat(c.getStatus()).isEqualTo("True");
                      assertThat(c.getReason()).isEqualTo("FailedCreate");
                      assertThat(c.getMessage()).isEqualTo(refusal);
                    }));
    assertThat(cluster.pods()).isEmpty();
    // kube-controller-manager's deployment controller copies it (syncRolloutStatus).
    await(
        "ReplicaFailure of ReplicaSet " + rs + " on Deployment redis",
        () ->
            assertThat(condition("redis", "ReplicaFailure"))
                .satisfies(
                    c -> {
                      assertThat(c.getStatus()).isEqualTo("True");
                      assertThat(c.getReason()).isEqualTo("FailedCreate");
                      assertThat(c.getMessage()).isEqualTo(refusal);
                      assertThat(c.getLastUpdateTime()).isEqualTo(c.getLastTransitionTime());
                    }));

    cluster
        .client
        .serviceAccounts()
        .inNamespace("default")
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("my-ksa").endMetadata().build())
        .create();
    await(
        "the pod made and ReplicaFailure gone from ReplicaSet and Deployment once my-ksa exists",
        () -> {
          assertThat(cluster.pods()).hasSize(1);
          assertThat(replicaSets().get(0).getStatus().getConditions()).isNullOrEmpty();
          assertThat(deployment("redis").getStatus().getConditions())
              .extracting(DeploymentCondition::getType)
              .containsExactly("Available", "Progressing");
        });
    assertThat(cluster.pods().get(0).getSpec().getServiceAccountName()).isEqualTo("my-ksa");
  }

  private List<ReplicaSet> replicaSets() {
    return cluster.client.apps().replicaSets().inNamespace("default").list().getItems();
  }

  private Deployment deployment(String name) {
    return cluster.client.apps().deployments().inNamespace("default").withName(name).get();
  }

  private DeploymentCondition condition(String name, String type) {
    Deployment d = deployment(name);
    assertThat(d.getStatus()).as("status of Deployment " + name).isNotNull();
    return d.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + d.getStatus()));
  }

  static Deployment redis(String name, String image, int replicas, String strategy) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewStrategy()
        .withType(strategy)
        .endStrategy()
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
