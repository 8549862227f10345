package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayClusterChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden files of what the emulated operator builds for the tutorial chart's RayCluster, per
 * KubeRay version: head pod, worker pod, head service and status, as canonical YAML (keys sorted,
 * volatile fields masked) under {@code src/test/resources/golden/<version>/}. A fidelity change
 * shows as a readable diff of those files: run with {@code -Dgolden.update=true} to rewrite them,
 * then review the diff against real KubeRay.
 */
class BuildersGoldenTest {

  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");
  private static final String MASKED = "<masked>";
  private static final KubernetesSerialization SERDE = new KubernetesSerialization();

  /**
   * Fields that differ from run to run (times) or would be made by the API server (uid); their
   * values are masked.
   */
  private static final Set<String> VOLATILE =
      Set.of("uid", "lastUpdateTime", "lastTransitionTime", "creationTimestamp");

  /** Maps whose keys stay but whose values are times: {@code status.stateTransitionTimes}. */
  private static final Set<String> VOLATILE_VALUES = Set.of("stateTransitionTimes");

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void tutorialClusterObjectsMatchTheGoldenFiles(String version) throws IOException {
    OperatorFlavor flavor = new OperatorFlavor(KubeRayVersion.of(version));
    GenericKubernetesResource resource =
        RayClusterChart.release("raycluster", KubeRayVersion.of(version))
            .toSpec()
            .toResource("default");
    resource.getMetadata().setUid(UpstreamSpecs.UID);
    resource.getMetadata().setGeneration(1L);
    RayClusterView cluster = new RayClusterView(resource);

    Service service = new HeadServiceFactory(flavor).build(cluster);
    String serviceName = HeadServiceFactory.name(cluster, flavor);
    PodFactory pods = new PodFactory(flavor);
    Pod head = pods.headPod(cluster, serviceName);
    Pod worker = pods.workerPod(cluster, cluster.workerGroups().get(0), serviceName);
    Map<String, Object> status =
        new ClusterStatusCalculator(flavor)
            .calculate(
                cluster,
                Map.of(),
                Optional.of(runningAndReady(head, "x7k2p", "10.0.0.10")),
                List.of(runningAndReady(worker, "q4m9z", "10.0.0.11")),
                Optional.of(service));

    List<String> mismatches = new ArrayList<>();
    compare(version, "head-pod.yaml", head, mismatches);
    compare(version, "worker-pod.yaml", worker, mismatches);
    compare(version, "head-service.yaml", service, mismatches);
    compare(version, "status.yaml", status, mismatches);
    assertThat(mismatches)
        .as(
            "golden files of %s that differ from what the builders make now; if the change is "
                + "intended, rerun with -Dgolden.update=true and review the diff",
            version)
        .isEmpty();
  }

  /**
   * An autoscaling cluster ({@code golden/autoscaling/raycluster.yaml}): the head pod with its
   * {@code autoscaler} sidecar, the worker pod, and the ServiceAccount, Role and RoleBinding the
   * autoscaler runs as.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void autoscalingClusterObjectsMatchTheGoldenFiles(String version) throws IOException {
    OperatorFlavor flavor = new OperatorFlavor(KubeRayVersion.of(version));
    GenericKubernetesResource resource =
        SERDE.unmarshal(
            Files.readString(GOLDEN.resolve("autoscaling/raycluster.yaml")),
            GenericKubernetesResource.class);
    resource.getMetadata().setUid(UpstreamSpecs.UID);
    resource.getMetadata().setGeneration(1L);
    RayClusterView cluster = new RayClusterView(resource);
    String serviceName = HeadServiceFactory.name(cluster, flavor);
    PodFactory pods = new PodFactory(flavor);

    List<String> mismatches = new ArrayList<>();
    String dir = version + "/autoscaling";
    compare(dir, "head-pod.yaml", pods.headPod(cluster, serviceName), mismatches);
    compare(
        dir,
        "worker-pod.yaml",
        pods.workerPod(cluster, cluster.workerGroups().get(0), serviceName),
        mismatches);
    compare(dir, "service-account.yaml", AutoscalerRbac.serviceAccount(cluster), mismatches);
    compare(dir, "role.yaml", AutoscalerRbac.role(flavor, cluster), mismatches);
    compare(dir, "role-binding.yaml", AutoscalerRbac.roleBinding(cluster), mismatches);
    assertThat(mismatches)
        .as(
            "autoscaling golden files of %s that differ from what the builders make now; if the change "
                + "is intended, rerun with -Dgolden.update=true and review the diff",
            version)
        .isEmpty();
  }

  /**
   * The pod as the kubelet reports it once running and ready, named as the API server would name
   * it.
   */
  private static Pod runningAndReady(Pod pod, String suffix, String ip) {
    return new PodBuilder(pod)
        .editMetadata()
        .withName(pod.getMetadata().getGenerateName() + suffix)
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  private static void compare(String version, String file, Object object, List<String> mismatches)
      throws IOException {
    String actual = canonicalYaml(object);
    Path golden = GOLDEN.resolve(version).resolve(file);
    if (UPDATE) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual);
      return;
    }
    if (!Files.isRegularFile(golden)) {
      mismatches.add(golden.toAbsolutePath() + " is missing");
    } else if (!Files.readString(golden).equals(actual)) {
      mismatches.add(golden.toAbsolutePath() + " differs; now:\n" + actual);
    }
  }

  static String canonicalYaml(Object object) {
    return SERDE.asYaml(canonical(SERDE.convertValue(object, Map.class)));
  }

  /**
   * Maps with sorted keys and volatile values masked; list order is kept (it is meaningful:
   * containers, args).
   */
  private static Object canonical(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach(
          (k, v) -> {
            String key = String.valueOf(k);
            sorted.put(
                key,
                VOLATILE.contains(key)
                    ? MASKED
                    : VOLATILE_VALUES.contains(key) ? maskValues(v) : canonical(v));
          });
      return sorted;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(BuildersGoldenTest::canonical).toList();
    }
    return value;
  }

  private static Object maskValues(Object value) {
    Map<String, Object> masked = new TreeMap<>();
    if (value instanceof Map<?, ?> map) {
      map.keySet().forEach(k -> masked.put(String.valueOf(k), MASKED));
    }
    return masked;
  }
}
