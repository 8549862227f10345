package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What counts as a change of {@code rayClusterConfig} per release: the spec hash of {@code
 * generateHashWithoutReplicasAndWorkersToDelete} (rayservice_controller.go; v1.7.0 {@code
 * utils.GenerateHashWithoutReplicasAndWorkersToDelete} of {@code rayClusterSpecForHashing}).
 */
class RayServiceHashTest {

  /** A pod template (indent 2) with one container, plus {@code extra} pod spec lines (indent 6). */
  private static String template(String image, String extra) {
    return "  template:\n    spec:\n      containers:\n      - name: ray\n        image: "
        + image
        + "\n"
        + extra;
  }

  /**
   * A cluster spec: {@code top} lines at spec level, a head and one worker group ({@code group}
   * lines, indent 2) whose pod specs get {@code headPod} / {@code workerPod}.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(
      String top, String headPod, String group, String workerPod, String image) {
    String yaml =
        top
            + "headGroupSpec:\n"
            + template(image, headPod)
            + "workerGroupSpecs:\n- groupName: small\n"
            + group
            + template(image, workerPod);
    return Serialization.unmarshal(yaml, Map.class);
  }

  private static Map<String, Object> base() {
    return spec("", "", "  replicas: 1\n  minReplicas: 0\n  maxReplicas: 5\n", "", "ray:1");
  }

  private static String hash(String v, Map<String, Object> spec) {
    return RayServiceClusters.hash(KubeRayVersion.of(v), spec);
  }

  private static final String TOLERATION =
      "      tolerations:\n      - key: kueue\n        operator: Exists\n";
  private static final String GATE =
      "      schedulingGates:\n      - name: kueue.x-k8s.io/admission\n";

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void whatChangesTheHash(String v) {
    boolean v15 = !v.equals("v1.1.0");
    boolean v17 = v.equals("v1.7.0");
    String base = hash(v, base());
    // Every release: replicas and workersToDelete are muted, the image is not.
    assertThat(
            hash(
                v,
                spec(
                    "",
                    "",
                    "  replicas: 3\n  minReplicas: 0\n  maxReplicas: 5\n"
                        + "  scaleStrategy:\n    workersToDelete: [a]\n",
                    "",
                    "ray:1")))
        .isEqualTo(base);
    assertThat(
            hash(
                v,
                spec("", "", "  replicas: 1\n  minReplicas: 0\n  maxReplicas: 5\n", "", "ray:2")))
        .isNotEqualTo(base);
    // v1.5.0+: min/maxReplicas too.
    assertThat(
            hash(
                    v,
                    spec(
                        "", "", "  replicas: 1\n  minReplicas: 1\n  maxReplicas: 9\n", "", "ray:1"))
                .equals(base))
        .isEqualTo(v15);
    // v1.7.0: tolerations, schedulingGates (head and workers), suspend and upgradeStrategy too.
    String group = "  replicas: 1\n  minReplicas: 0\n  maxReplicas: 5\n";
    assertThat(hash(v, spec("", TOLERATION + GATE, group, "", "ray:1")).equals(base))
        .isEqualTo(v17);
    assertThat(hash(v, spec("", "", group, TOLERATION + GATE, "ray:1")).equals(base))
        .isEqualTo(v17);
    assertThat(hash(v, spec("suspend: true\n", "", group, "", "ray:1")).equals(base))
        .isEqualTo(v17);
    assertThat(
            hash(v, spec("upgradeStrategy:\n  type: Recreate\n", "", group, "", "ray:1"))
                .equals(base))
        .isEqualTo(v17);
  }

  /** The in-place update (worker groups appended) compares the same muted hash. */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void appendedGroupsAreComparedWithTheSameHash(String v) {
    GenericKubernetesResource cluster = new GenericKubernetesResource();
    cluster.setMetadata(
        new ObjectMetaBuilder()
            .withAnnotations(
                Map.of(
                    RayServiceClusters.HASH_ANNOTATION,
                    hash(v, base()),
                    RayServiceClusters.NUM_WORKER_GROUPS_ANNOTATION,
                    "1"))
            .build());
    Map<String, Object> goal =
        spec("", TOLERATION, "  replicas: 1\n  minReplicas: 0\n  maxReplicas: 5\n", "", "ray:1");
    @SuppressWarnings("unchecked")
    List<Object> groups = (List<Object>) goal.get("workerGroupSpecs");
    groups.add(Map.of("groupName", "more", "replicas", 1));
    assertThat(RayServiceClusters.onlyWorkerGroupsAdded(KubeRayVersion.of(v), goal, cluster))
        .isEqualTo(v.equals("v1.7.0"));
  }
}
