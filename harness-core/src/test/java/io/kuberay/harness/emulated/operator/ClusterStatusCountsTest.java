package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayClusterChart;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * KubeRay's worker counts are {@code omitempty}: the status of a cluster without workers has none
 * of them, and a count that drops to zero disappears rather than reading 0.
 */
class ClusterStatusCountsTest {

  private static final List<String> COUNTS =
      List.of(
          "desiredWorkerReplicas",
          "minWorkerReplicas",
          "maxWorkerReplicas",
          "availableWorkerReplicas",
          "readyWorkerReplicas");

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void zeroCountsAreNotWrittenAndEarlierOnesGo(String version) {
    KubeRayVersion v = KubeRayVersion.of(version);
    GenericKubernetesResource noWorkers =
        RayClusterChart.release("raycluster", v)
            .set("worker.replicas", "0")
            .set("worker.minReplicas", "0")
            .set("worker.maxReplicas", "0")
            .toSpec()
            .toResource("default");
    noWorkers.getMetadata().setGeneration(1L);
    Map<String, Object> previous = Map.of("desiredWorkerReplicas", 1, "availableWorkerReplicas", 1);

    Map<String, Object> status =
        new ClusterStatusCalculator(new OperatorFlavor(v))
            .calculate(
                new RayClusterView(noWorkers),
                previous,
                Optional.empty(),
                List.of(),
                Optional.empty());

    assertThat(status).doesNotContainKeys(COUNTS.toArray(String[]::new));
  }

  /** {@code CalculateDesiredReplicas}, {@code …MinReplicas}, {@code …MaxReplicas} (v1.5.0+). */
  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void suspendedWorkerGroupsAreNotCounted(String version) {
    RayClusterView cluster =
        UpstreamSpecs.cluster(
            UpstreamSpecs.head("")
                + UpstreamSpecs.worker("")
                + UpstreamSpecs.worker("    suspend: true\n")
                    .replace("  workerGroupSpecs:\n", "")
                    .replace("worker-group", "suspended-group"));
    cluster.resource().getMetadata().setGeneration(1L);

    Map<String, Object> status =
        new ClusterStatusCalculator(UpstreamSpecs.flavor(version))
            .calculate(cluster, Map.of(), Optional.empty(), List.of(), Optional.empty());

    assertThat(status)
        .containsEntry("desiredWorkerReplicas", 1)
        .containsEntry("maxWorkerReplicas", 5)
        .doesNotContainKey("minWorkerReplicas");
  }
}
