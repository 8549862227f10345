package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The emulated scheduler on "a node with 4 GPUs", a label and a taint: extended resources,
 * nodeSelector and node affinity, taints and tolerations and schedulerName, with kube-scheduler's
 * FailedScheduling messages.
 */
class EmulatedSchedulerIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NO_VICTIMS =
      " preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
  private static final String NOT_HELPFUL =
      " preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
  private static final String TOLERATE =
      "  tolerations:\n  - key: dedicated\n    operator: Equal\n    value: ray\n    effect: NoSchedule\n";
  private static KubeRayEnvironment env;
  private static String ns;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.OFF)
            .nodeCapacity("16", "64Gi")
            .nodeExtendedResource("nvidia.com/gpu", "4")
            .nodeLabel("accelerator", "nvidia-l4")
            .nodeTaint("dedicated=ray:NoSchedule")
            .startExactly();
    ns = env.createNamespace("scheduling");
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  private static void pod(String name, String specExtra, String resources) {
    String yaml =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: "
            + name
            + "\nspec:\n"
            + specExtra
            + "  containers:\n  - name: c\n    image: rayproject/ray:2.52.0\n    resources:\n      limits:\n        cpu: 100m\n        memory: 128Mi\n"
            + resources;
    env.client()
        .resource(env.client().getKubernetesSerialization().unmarshal(yaml, Pod.class))
        .inNamespace(ns)
        .create();
  }

  private static Pod scheduled(String name) {
    return Waits.until(
        "pod " + ns + "/" + name,
        "bound to the node",
        WAIT,
        () -> env.client().pods().inNamespace(ns).withName(name).get(),
        p -> p != null && p.getSpec().getNodeName() != null,
        p -> String.valueOf(p == null ? null : p.getStatus()),
        null);
  }

  private static String unschedulable(String name) {
    Pod p =
        Waits.until(
            "pod " + ns + "/" + name,
            "Unschedulable",
            WAIT,
            () -> env.client().pods().inNamespace(ns).withName(name).get(),
            x ->
                x != null
                    && x.getStatus() != null
                    && x.getStatus().getConditions() != null
                    && x.getStatus().getConditions().stream()
                        .anyMatch(c -> "Unschedulable".equals(c.getReason())),
            x -> String.valueOf(x == null ? null : x.getStatus()),
            null);
    assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(p.getSpec().getNodeName()).isNull();
    return p.getStatus().getConditions().stream()
        .filter(c -> "PodScheduled".equals(c.getType()))
        .map(PodCondition::getMessage)
        .findFirst()
        .orElseThrow();
  }

  @Test
  @DisplayName("the node object shows the GPUs, the label and the taint")
  void nodeObject() {
    Node node = env.client().nodes().list().getItems().get(0);
    assertThat(node.getStatus().getAllocatable()).containsKey("nvidia.com/gpu");
    assertThat(node.getStatus().getAllocatable().get("nvidia.com/gpu").toString()).isEqualTo("4");
    assertThat(node.getMetadata().getLabels()).containsEntry("accelerator", "nvidia-l4");
    assertThat(node.getSpec().getTaints())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getKey()).isEqualTo("dedicated");
              assertThat(t.getValue()).isEqualTo("ray");
              assertThat(t.getEffect()).isEqualTo("NoSchedule");
            });
  }

  @Test
  @DisplayName(
      "GPUs are counted: 2 of 4 fit, then 4 more do not; other extended resources are absent")
  void extendedResources() {
    pod("two-gpus", TOLERATE, "        nvidia.com/gpu: \"2\"\n");
    scheduled("two-gpus");
    pod("four-gpus", TOLERATE, "        nvidia.com/gpu: \"4\"\n");
    assertThat(unschedulable("four-gpus"))
        .isEqualTo("0/1 nodes are available: 1 Insufficient nvidia.com/gpu." + NO_VICTIMS);
    pod("tpu", TOLERATE, "        google.com/tpu: \"1\"\n");
    assertThat(unschedulable("tpu"))
        .isEqualTo("0/1 nodes are available: 1 Insufficient google.com/tpu." + NO_VICTIMS);
    // The FailedScheduling event follows the status condition.
    Waits.until(
        "FailedScheduling event of tpu",
        "recorded",
        WAIT,
        () ->
            env.client().v1().events().inNamespace(ns).list().getItems().stream()
                .filter(
                    e ->
                        "FailedScheduling".equals(e.getReason())
                            && "tpu".equals(e.getInvolvedObject().getName()))
                .map(e -> e.getMessage())
                .findFirst()
                .orElse(null),
        m -> ("0/1 nodes are available: 1 Insufficient google.com/tpu." + NO_VICTIMS).equals(m),
        String::valueOf,
        null);
    // Freed GPUs let the waiting pod in.
    env.client().pods().inNamespace(ns).withName("two-gpus").delete();
    scheduled("four-gpus");
    // Give the GPUs back for the other tests on this node.
    for (String name : List.of("four-gpus", "tpu")) {
      env.client().pods().inNamespace(ns).withName(name).delete();
      gone(name);
    }
  }

  private static void gone(String name) {
    Waits.until(
        "pod " + ns + "/" + name,
        "deleted",
        WAIT,
        () -> env.client().pods().inNamespace(ns).withName(name).get() == null,
        g -> g,
        g -> g ? "deleted" : "still there",
        null);
  }

  @Test
  @DisplayName(
      "a taint without toleration, a nodeSelector or required affinity the node does not meet keep pods Pending")
  void taintsSelectorsAffinity() {
    pod("no-toleration", "", "");
    assertThat(unschedulable("no-toleration"))
        .isEqualTo(
            "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: ray}."
                + NOT_HELPFUL);
    pod("wrong-selector", TOLERATE + "  nodeSelector:\n    accelerator: nvidia-a100\n", "");
    assertThat(unschedulable("wrong-selector"))
        .isEqualTo(
            "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."
                + NOT_HELPFUL);
    pod("right-selector", TOLERATE + "  nodeSelector:\n    accelerator: nvidia-l4\n", "");
    scheduled("right-selector");
    String affinity =
        "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n"
            + "        - matchExpressions:\n          - key: accelerator\n            operator: In\n            values: [%s]\n";
    pod("affinity-miss", TOLERATE + affinity.formatted("tpu-v5"), "");
    assertThat(unschedulable("affinity-miss"))
        .contains("didn't match Pod's node affinity/selector");
    pod("affinity-hit", TOLERATE + affinity.formatted("nvidia-l4, tpu-v5"), "");
    scheduled("affinity-hit");
    pod("tolerate-all", "  tolerations:\n  - operator: Exists\n", "");
    scheduled("tolerate-all");
  }

  @Test
  @DisplayName("a pod for a scheduler that does not run stays Pending without a condition or event")
  void absentScheduler() {
    pod("for-volcano", TOLERATE + "  schedulerName: volcano\n", "");
    pod("after-volcano", TOLERATE, "");
    scheduled("after-volcano");
    Pod waiting = env.client().pods().inNamespace(ns).withName("for-volcano").get();
    assertThat(waiting.getSpec().getNodeName()).isNull();
    assertThat(
            waiting.getStatus() == null
                || waiting.getStatus().getConditions() == null
                || waiting.getStatus().getConditions().isEmpty())
        .isTrue();
    assertThat(env.client().v1().events().inNamespace(ns).list().getItems())
        .noneSatisfy(e -> assertThat(e.getInvolvedObject().getName()).isEqualTo("for-volcano"));
  }

  @Test
  @DisplayName("a RayCluster's GPU worker group runs on the node with 4 GPUs")
  void gpuRayCluster() {
    String yaml =
        "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: gpu\nspec:\n  headGroupSpec:\n    template:\n      spec:\n"
            + TOLERATE.replaceAll("(?m)^", "      ")
            + "        containers:\n        - name: ray-head\n          image: rayproject/ray:2.52.0\n          resources:\n            limits: {cpu: 500m, memory: 1Gi}\n"
            + "  workerGroupSpecs:\n  - groupName: gpu-group\n    replicas: 1\n    minReplicas: 0\n    maxReplicas: 2\n    template:\n      spec:\n"
            + TOLERATE.replaceAll("(?m)^", "      ")
            + "        containers:\n        - name: ray-worker\n          image: rayproject/ray:2.52.0\n          resources:\n            limits: {cpu: 500m, memory: 1Gi, nvidia.com/gpu: \"1\"}\n";
    env.client()
        .genericKubernetesResources("ray.io/v1", "RayCluster")
        .inNamespace(ns)
        .resource(
            env.client()
                .getKubernetesSerialization()
                .unmarshal(yaml, GenericKubernetesResource.class))
        .create();
    Pod worker =
        Waits.until(
            "GPU worker of gpu",
            "bound",
            WAIT,
            () ->
                env
                    .client()
                    .pods()
                    .inNamespace(ns)
                    .withLabel("ray.io/group", "gpu-group")
                    .list()
                    .getItems()
                    .stream()
                    .findFirst()
                    .orElse(null),
            p -> p != null && p.getSpec().getNodeName() != null,
            p -> String.valueOf(p == null ? null : p.getStatus()),
            null);
    assertThat(String.join(" ", worker.getSpec().getContainers().get(0).getArgs()))
        .contains("--num-gpus=1");
    assertThat(List.of(worker.getSpec().getNodeName())).containsExactly("kuberay-emulated-node");
    env.client()
        .genericKubernetesResources("ray.io/v1", "RayCluster")
        .inNamespace(ns)
        .withName("gpu")
        .delete();
    gone(worker.getMetadata().getName());
  }
}
