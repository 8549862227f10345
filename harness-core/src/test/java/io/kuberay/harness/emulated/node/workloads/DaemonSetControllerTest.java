package io.kuberay.harness.emulated.node.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** kube-controller-manager's DaemonSet controller on a one-node in-memory cluster. */
class DaemonSetControllerTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final WorkloadTestCluster cluster = new WorkloadTestCluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  @DisplayName(
      "one pod <ds>-<5> pinned to the node with the daemon tolerations; status counts it; a new template replaces it; a nodeSelector the node lacks means none")
  void onePodOnTheNode() {
    cluster
        .client
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("node-1")
                .addToLabels("kubernetes.io/os", "linux")
                .endMetadata()
                .build())
        .create();
    cluster.client.resource(agent("agent", Map.of("kubernetes.io/os", "linux"))).create();
    cluster.client.resource(agent("gpu-agent", Map.of("gpu", "true"))).create();
    await("one pod of agent", () -> assertThat(cluster.pods()).hasSize(1));
    Pod pod = cluster.pods().get(0);
    assertThat(pod.getMetadata().getName()).matches("agent-[a-z0-9]{5}");
    assertThat(pod.getMetadata().getLabels())
        .containsKeys("controller-revision-hash", "pod-template-generation");
    assertThat(
            pod.getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .get(0)
                .getMatchFields()
                .get(0)
                .getValues())
        .containsExactly("node-1");
    assertThat(pod.getSpec().getTolerations())
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("node.kubernetes.io/unreachable"));
    cluster.podsBecomeReady();
    await(
        "DaemonSet agent 1 ready",
        () -> {
          DaemonSet ds = ds("agent");
          assertThat(ds.getStatus()).as("status of DaemonSet agent").isNotNull();
          assertThat(ds.getStatus().getDesiredNumberScheduled()).isEqualTo(1);
          assertThat(ds.getStatus().getCurrentNumberScheduled()).isEqualTo(1);
          assertThat(ds.getStatus().getNumberReady()).isEqualTo(1);
          assertThat(ds.getStatus().getNumberAvailable()).isEqualTo(1);
          assertThat(ds.getStatus().getUpdatedNumberScheduled()).isEqualTo(1);
        });
    await(
        "DaemonSet gpu-agent: none desired",
        () -> {
          DaemonSet ds = ds("gpu-agent");
          assertThat(ds.getStatus()).as("status of DaemonSet gpu-agent").isNotNull();
          assertThat(ds.getStatus().getDesiredNumberScheduled()).isZero();
        });

    Awaitility.await("the image of DaemonSet agent changed")
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              cluster
                  .client
                  .apps()
                  .daemonSets()
                  .inNamespace("default")
                  .withName("agent")
                  .edit(
                      d -> {
                        d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .setImage("redis:7.2");
                        return d;
                      });
              return true;
            });
    await(
        "the pod replaced from the new template",
        () ->
            assertThat(cluster.pods())
                .singleElement()
                .satisfies(
                    p ->
                        assertThat(p.getSpec().getContainers().get(0).getImage())
                            .isEqualTo("redis:7.2")));
    assertThat(cluster.events("agent", "SuccessfulDelete"))
        .containsExactly("Deleted pod: " + pod.getMetadata().getName());
  }

  private static void await(String what, ThrowingRunnable assertion) {
    Awaitility.await(what).atMost(WAIT).untilAsserted(assertion);
  }

  private DaemonSet ds(String name) {
    return cluster.client.apps().daemonSets().inNamespace("default").withName(name).get();
  }

  private static DaemonSet agent(String name, Map<String, String> nodeSelector) {
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withNodeSelector(nodeSelector)
        .addNewContainer()
        .withName("agent")
        .withImage("redis:7.4.0")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
