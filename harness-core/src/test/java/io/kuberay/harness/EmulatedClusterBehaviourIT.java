package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the emulated API server and operator do with ordinary and bad input, on v1.1.0 (no Ray
 * processes).
 */
class EmulatedClusterBehaviourIT {

  private static final Duration READY = Duration.ofSeconds(20);
  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.OFF)
            .nodeCapacity("16", "64Gi")
            .startExactly();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  private static String namespace(String name) {
    return env.createNamespace(name);
  }

  @Test
  @DisplayName("a RayCluster without headGroupSpec is rejected with the API server's message")
  void missingHeadGroup() {
    String yaml =
        "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: nohead\nspec:\n  workerGroupSpecs: []\n";
    assertThatThrownBy(() -> env.rayClusters().createFromYaml(yaml))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "RayCluster.ray.io \"nohead\" is invalid: spec.headGroupSpec: Required value")
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
  }

  @Test
  @DisplayName("a name that is not an RFC 1123 subdomain is rejected")
  void invalidName() {
    assertThatThrownBy(() -> env.rayClusters().create(RayClusterSpec.named("Bad_Name")))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "RayCluster.ray.io \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain");
  }

  @Test
  @DisplayName("malformed YAML and YAML of another kind fail before anything is sent")
  void badYaml() {
    assertThatThrownBy(
            () ->
                RayClusterSpec.fromYaml(
                    "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: [unclosed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("The RayCluster YAML cannot be parsed:");
    assertThatThrownBy(
            () ->
                RayClusterSpec.fromYaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Expected one RayCluster (apiVersion ray.io/v1, kind RayCluster) but the YAML holds ConfigMap.");
  }

  @Test
  @DisplayName("an unknown KubeRay version names the supported ones")
  void unknownVersion() {
    assertThatThrownBy(() -> KubeRayEnvironment.builder().kuberayVersion("v0.9.9"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Unknown KubeRay version 'v0.9.9'. Supported versions: [v1.1.0, v1.5.0, v1.7.0]. Use one of them, e.g. kuberay.version=v1.1.0.");
  }

  @Test
  @DisplayName(
      "negative replicas are accepted by the API server and clamped to minReplicas by the operator")
  void negativeReplicas() {
    String ns = namespace("negative");
    RayClusterHandle cluster =
        env.rayClusters()
            .inNamespace(ns)
            .create(
                RayClusterSpec.named("neg")
                    .withWorkerGroup(
                        WorkerGroupSpec.named("g").withReplicas(-2).withMinReplicas(0)));
    cluster.awaitReady(READY);
    assertThat(cluster.workerPods()).isEmpty();
    assertThat(cluster.status().desiredWorkerReplicas()).isZero();
  }

  @Test
  @DisplayName(
      "multiple groups, a custom head service name, rayStartParams and a 500m CPU limit (num-cpus rounds up)")
  void multiGroup() {
    String ns = namespace("multi");
    RayClusterSpec spec =
        RayClusterSpec.named("multi")
            .withHead(
                h ->
                    h.withCpu("500m").withServiceName("my-head").withRayStartParam("num-gpus", "0"))
            .withWorkerGroup(
                WorkerGroupSpec.named("small").withReplicas(2).withCpu("1").withMemory("1Gi"))
            .withWorkerGroup(
                WorkerGroupSpec.named("big")
                    .withReplicas(1)
                    .withCpu("2")
                    .withMemory("2Gi")
                    .withRayStartParam("resources", "'{\"custom\": 1}'"));
    RayClusterHandle cluster = env.rayClusters().inNamespace(ns).create(spec).awaitReady(READY);
    assertThat(cluster.workerPods("small")).hasSize(2);
    assertThat(cluster.workerPods("big")).hasSize(1);
    assertThat(cluster.headService().getMetadata().getName()).isEqualTo("my-head");
    String headArgs = cluster.headPod().get().getSpec().getContainers().get(0).getArgs().get(0);
    assertThat(headArgs)
        .contains("--num-cpus=1")
        .contains("--num-gpus=0")
        .contains("--memory=2000000000");
    Pod big = cluster.workerPods("big").get(0).get();
    assertThat(big.getSpec().getContainers().get(0).getArgs().get(0))
        .contains("--address=my-head." + ns + ".svc.cluster.local:6379")
        .contains("--resources='{\"custom\": 1}'")
        .contains("--num-cpus=2")
        .contains("--memory=2147483648");
    assertThat(cluster.status().desiredWorkerReplicas()).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "scaling a worker group adds and removes pods; deleting the cluster removes its pods and service")
  void scaleAndDelete() {
    String ns = namespace("scale");
    RayClusterHandle cluster =
        env.rayClusters()
            .inNamespace(ns)
            .create(
                RayClusterSpec.named("sc")
                    .withHead(h -> h.withCpu("100m").withMemory("100Mi"))
                    .withWorkerGroup(
                        WorkerGroupSpec.named("g")
                            .withReplicas(1)
                            .withCpu("100m")
                            .withMemory("100Mi")))
            .awaitReady(READY);
    cluster.scaleWorkerGroup("g", 3);
    Waits.until(
        "workers",
        "3 pods",
        READY,
        () -> cluster.workerPods().size(),
        n -> n == 3,
        String::valueOf,
        null);
    cluster.awaitReady(READY);
    cluster.scaleWorkerGroup("g", 1);
    Waits.until(
        "workers",
        "1 pod",
        READY,
        () -> cluster.workerPods().size(),
        n -> n == 1,
        String::valueOf,
        null);
    assertThatThrownBy(() -> cluster.scaleWorkerGroup("nope", 1))
        .hasMessage("RayCluster scale/sc has no worker group 'nope'");

    cluster.delete();
    Waits.until(
        "pods of sc",
        "none left",
        READY,
        () ->
            env.client()
                .pods()
                .inNamespace(ns)
                .withLabel("ray.io/cluster", "sc")
                .list()
                .getItems()
                .size(),
        n -> n == 0,
        String::valueOf,
        null);
    Waits.until(
        "services of sc",
        "none left",
        READY,
        () -> env.client().services().inNamespace(ns).list().getItems().size(),
        n -> n == 0,
        String::valueOf,
        null);
  }

  @Test
  @DisplayName(
      "a pod that does not fit the node stays Pending as Unschedulable and the cluster never becomes ready")
  void unschedulable() {
    String ns = namespace("toobig");
    RayClusterHandle cluster =
        env.rayClusters()
            .inNamespace(ns)
            .create(RayClusterSpec.named("huge").withHead(h -> h.withCpu("64").withMemory("1Gi")));
    Pod head =
        Waits.until(
            "head pod of huge",
            "Unschedulable",
            READY,
            () ->
                env
                    .client()
                    .pods()
                    .inNamespace(ns)
                    .withLabel("ray.io/cluster", "huge")
                    .list()
                    .getItems()
                    .stream()
                    .findFirst()
                    .orElse(null),
            p ->
                p.getStatus() != null
                    && p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Unschedulable".equals(c.getReason())),
            p -> String.valueOf(p.getStatus()),
            null);
    assertThat(head.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(head.getStatus().getConditions())
        .anySatisfy(
            c ->
                assertThat(c.getMessage())
                    .startsWith("0/1 nodes are available: 1 Insufficient cpu."));
    assertThatThrownBy(() -> cluster.awaitReady(Duration.ofMillis(500)))
        .isInstanceOf(WaitTimeoutException.class)
        .hasMessageStartingWith(
            "RayCluster toobig/huge: expected status.state ready and every Ray pod Ready, but it did not happen within PT0.5S. Last state seen: state=\"\"")
        .hasMessageContaining("Unschedulable");
    List<Event> events = env.client().v1().events().inNamespace(ns).list().getItems();
    assertThat(events).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("FailedScheduling"));
  }

  @Test
  @DisplayName("discovery lists the ray.io group and its resources once the CRDs are installed")
  void discovery() {
    String apis = env.client().raw("/apis");
    assertThat(apis).contains("\"name\":\"ray.io\"").contains("\"name\":\"apps\"");
    String rayV1 = env.client().raw("/apis/ray.io/v1");
    assertThat(rayV1)
        .contains("\"name\":\"rayclusters\"")
        .contains("\"name\":\"rayclusters/status\"")
        .contains("\"name\":\"rayjobs\"");
    assertThat(env.client().raw("/api/v1")).contains("\"name\":\"pods/exec\"");
    assertThat(env.client().getKubernetesVersion().getGitVersion()).startsWith("v1.31");
  }

  @Test
  @DisplayName(
      "server-side apply creates and then updates; unsupported subresources answer 405 with what to use")
  void applyAndUnsupported() {
    String ns = namespace("apply");
    GenericKubernetesResource rc = RayClusterSpec.named("applied").toResource(ns);
    env.client()
        .genericKubernetesResources(RayClusterHandle.RAY_CLUSTERS)
        .inNamespace(ns)
        .resource(rc)
        .fieldManager("test")
        .forceConflicts()
        .serverSideApply();
    RayClusterHandle cluster =
        env.rayClusters().inNamespace(ns).withName("applied").awaitReady(READY);
    assertThat(cluster.get().getMetadata().getUid()).isNotBlank();
    ((Map<String, Object>) rc.getAdditionalProperties().get("spec")).put("suspend", true);
    env.client()
        .genericKubernetesResources(RayClusterHandle.RAY_CLUSTERS)
        .inNamespace(ns)
        .resource(rc)
        .fieldManager("test")
        .forceConflicts()
        .serverSideApply();
    Waits.until(
        "RayCluster apply/applied",
        "state suspended",
        READY,
        () -> cluster.status().state(),
        "suspended"::equals,
        s -> s,
        null);
    assertThatThrownBy(
            () -> env.client().raw("/api/v1/namespaces/" + ns + "/pods/x/attach", "POST", Map.of()))
        .isInstanceOf(KubernetesClientException.class);
  }

  @Test
  @DisplayName(
      "fabric8's waitUntilCondition on one object sees its deletion (fieldSelector metadata.name on list and watch)")
  void waitForDeletion() throws Exception {
    String ns = namespace("waitdel");
    RayClusterHandle cluster =
        env.rayClusters()
            .inNamespace(ns)
            .create(RayClusterSpec.named("gone").withHead(h -> h.withCpu("10m")))
            .awaitReady(READY);
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    try {
      later.schedule(cluster::delete, 500, TimeUnit.MILLISECONDS);
      env.client()
          .genericKubernetesResources(RayClusterHandle.RAY_CLUSTERS)
          .inNamespace(ns)
          .withName("gone")
          .waitUntilCondition(Objects::isNull, 20, TimeUnit.SECONDS);
    } finally {
      later.shutdownNow();
    }
    assertThat(
            env.client()
                .genericKubernetesResources(RayClusterHandle.RAY_CLUSTERS)
                .inNamespace(ns)
                .withField("metadata.name", "gone")
                .list()
                .getItems())
        .isEmpty();
  }
}
