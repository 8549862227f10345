package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the emulated operator of each release honours an autoscaling cluster's scale fields, without
 * Ray processes (the autoscaler's part is in {@code AutoscalingIT}): the autoscaler's
 * ServiceAccount, Role and RoleBinding; {@code workersToDelete} deletes exactly the named pods and
 * stays in the spec; a lower {@code replicas} alone deletes nothing (the autoscaler picks the
 * pods); {@code replicas} above {@code maxReplicas} is capped.
 */
class AutoscalingOperatorIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: scaling
      spec:
        enableInTreeAutoscaling: true
        headGroupSpec:
          rayStartParams:
            num-cpus: '0'
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
                resources:
                  limits: {cpu: 500m, memory: 1Gi}
        workerGroupSpecs:
        - groupName: small
          replicas: 3
          minReplicas: 0
          maxReplicas: 4
          rayStartParams: {}
          template:
            spec:
              containers:
              - name: ray-worker
                image: rayproject/ray:2.52.0
                resources:
                  limits: {cpu: 100m, memory: 256Mi}
      """;
  private static KubeRayEnvironment v110;
  private static KubeRayEnvironment v150;

  @BeforeAll
  static void start() {
    v110 =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.OFF)
            .nodeCapacity("16", "64Gi")
            .startExactly();
    v150 =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.OFF)
            .nodeCapacity("16", "64Gi")
            .startExactly();
  }

  @AfterAll
  static void stop() {
    for (KubeRayEnvironment env : new KubeRayEnvironment[] {v110, v150}) {
      if (env != null) {
        env.close();
      }
    }
  }

  private static KubeRayEnvironment env(String version) {
    return "v1.1.0".equals(version) ? v110 : v150;
  }

  private static List<String> names(RayClusterHandle cluster) {
    return cluster.workerPods("small").stream().map(PodHandle::name).sorted().toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0"})
  void theOperatorHonoursTheAutoscalersScaleFields(String version) {
    KubeRayEnvironment env = env(version);
    String ns = env.createNamespace("scaling");
    RayClusterHandle cluster = env.rayClusters().inNamespace(ns).createFromYaml(CLUSTER);
    cluster.awaitWorkerPods("small", 3, WAIT);

    ServiceAccount sa = env.client().serviceAccounts().inNamespace(ns).withName("scaling").get();
    assertThat(sa).as("the autoscaler's service account").isNotNull();
    assertThat(sa.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("RayCluster"));
    Role role = env.client().rbac().roles().inNamespace(ns).withName("scaling").get();
    assertThat(role.getRules())
        .anySatisfy(r -> assertThat(r.getResources()).containsExactly("rayclusters"));
    RoleBinding binding =
        env.client().rbac().roleBindings().inNamespace(ns).withName("scaling").get();
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("scaling"));
    Pod head = cluster.headPod().get();
    assertThat(head.getSpec().getServiceAccountName()).isEqualTo("scaling");
    assertThat(head.getSpec().getContainers())
        .extracting(c -> c.getName())
        .containsExactly("ray-head", "autoscaler");

    List<String> before = names(cluster);
    String victim = before.get(1);
    cluster.deleteWorkers("small", List.of(victim));
    cluster.awaitWorkerPods("small", 2, WAIT);
    assertThat(names(cluster))
        .as("exactly the named pod went")
        .containsExactlyElementsOf(before.stream().filter(n -> !n.equals(victim)).toList());
    assertThat(workersToDelete(cluster))
        .as("the operator leaves the list to the autoscaler")
        .containsExactly(victim);
    // The operator records its event after the delete call: the pod can be gone a moment before.
    Awaitility.await("the scale-down event naming " + victim)
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(cluster.scalingEvents())
                    .anySatisfy(
                        e -> {
                          assertThat(e.up()).isFalse();
                          assertThat(e.message()).endsWith(victim);
                        }));

    cluster.scaleWorkerGroup("small", 1);
    cluster.awaitReplicas("small", 1, WAIT);
    // Lower replicas without names: no pod is deleted, the autoscaler alone picks which go (no
    // random deletion).
    staysAt(cluster, 2);

    cluster.scaleWorkerGroup("small", 9);
    cluster.awaitWorkerPods("small", 4, WAIT);
    staysAt(cluster, 4); // capped at maxReplicas

    // The garbage collector takes what the cluster owns, its RBAC objects too: a later cluster of
    // the same name (KubeRay's two autoscaler samples) gets its own, with its own events.
    cluster.delete();
    Awaitility.await("the autoscaler's ServiceAccount, Role and RoleBinding in " + ns + " to go")
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        List.of(
                            String.valueOf(
                                env.client()
                                    .serviceAccounts()
                                    .inNamespace(ns)
                                    .withName("scaling")
                                    .get()),
                            String.valueOf(
                                env.client()
                                    .rbac()
                                    .roles()
                                    .inNamespace(ns)
                                    .withName("scaling")
                                    .get()),
                            String.valueOf(
                                env.client()
                                    .rbac()
                                    .roleBindings()
                                    .inNamespace(ns)
                                    .withName("scaling")
                                    .get())))
                    .containsOnly("null"));
  }

  /** The group keeps exactly its current pods for a few seconds (several reconciles). */
  private static void staysAt(RayClusterHandle cluster, int count) {
    List<String> now = names(cluster);
    assertThat(now).hasSize(count);
    Awaitility.await("worker pods of " + cluster + " to stay " + now)
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(20))
        .until(() -> names(cluster).equals(now));
  }

  @SuppressWarnings("unchecked")
  private static List<Object> workersToDelete(RayClusterHandle cluster) {
    Map<String, Object> spec =
        (Map<String, Object>) cluster.get().getAdditionalProperties().get("spec");
    Map<String, Object> group =
        (Map<String, Object>) ((List<Object>) spec.get("workerGroupSpecs")).get(0);
    return (List<Object>)
        ((Map<String, Object>) group.getOrDefault("scaleStrategy", Map.of()))
            .getOrDefault("workersToDelete", List.of());
  }
}
