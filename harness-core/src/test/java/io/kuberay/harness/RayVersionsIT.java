package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Emulated pods run the Ray release their image names, provisioned on first use: each version's
 * head prints its own {@code ray.__version__} and runs the tutorial's {@code ray.init()}; the
 * oldest and the default also run a job through their dashboard. One head-only cluster per version,
 * one at a time (each version's first run installs it, with uv about 5-15 s).
 */
class RayVersionsIT {

  private static final Duration READY = Duration.ofMinutes(8);
  private static final String TUTORIAL = "import ray; ray.init(); print(ray.cluster_resources())";
  private static KubeRayEnvironment env;
  private static String ns;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
    ns = env.createNamespace("versions");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @ParameterizedTest(name = "{0}: head exec prints Ray {1}, job submit: {2}")
  @CsvSource({
    "rayproject/ray:2.9.0, 2.9.0, true",
    "rayproject/ray:2.34.0-py311, 2.34.0, false",
    "rayproject/ray:2.41.0-py311-cpu, 2.41.0, false",
    "rayproject/ray:2.46.0, 2.46.0, false",
    "rayproject/ray:2.52.0, 2.52.0, true",
  })
  void theHeadRunsTheImagesRay(String image, String version, boolean submitJob) {
    String name = "v" + version.replace(".", "-");
    RayClusterHandle cluster =
        env.rayClusters().inNamespace(ns).create(RayClusterSpec.named(name).withImage(image));
    try {
      cluster.awaitReady(READY);

      ExecResult printed =
          cluster.headPod().exec("python", "-c", "import ray; print(ray.__version__)");
      assertThat(printed.exitCode()).as(printed.stderr()).isZero();
      assertThat(printed.stdout().trim()).isEqualTo(version);
      ExecResult tutorial = cluster.headPod().exec("python", "-c", TUTORIAL);
      assertThat(tutorial.exitCode()).as(tutorial.stderr()).isZero();
      assertThat(tutorial.stdout()).contains("'CPU'");

      if (submitJob) {
        RayJobsClient jobs = RayJobsClient.connect(cluster.dashboardUrl());
        assertThat(jobs.version().rayVersion()).isEqualTo(version);
        String id =
            jobs.submit(
                JobSubmission.entrypoint(
                    "python -c \"import ray; ray.init(); print('job on', ray.__version__)\""));
        jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(3));
        assertThat(jobs.logs(id)).contains("job on " + version);
      }
    } finally {
      cluster.delete();
    }
  }

  @Test
  @DisplayName("an image without a release tag runs the RayCluster's rayVersion")
  void rayVersionDecidesForLatest() {
    RayClusterHandle cluster =
        env.rayClusters()
            .inNamespace(ns)
            .create(
                RayClusterSpec.named("latest")
                    .withImage("rayproject/ray:latest")
                    .withRayVersion("2.41.0"));
    try {
      cluster.awaitReady(READY);
      ExecResult printed =
          cluster.headPod().exec("python", "-c", "import ray; print(ray.__version__)");
      assertThat(printed.stdout().trim()).as(printed.stderr()).isEqualTo("2.41.0");
    } finally {
      cluster.delete();
    }
  }

  @Test
  @DisplayName(
      "a Ray version that cannot be installed leaves the head waiting with ErrImagePull, the version and the fix")
  void unknownVersionSaysWhatToDo() {
    env.rayClusters()
        .inNamespace(ns)
        .create(RayClusterSpec.named("nosuch").withImage("rayproject/ray:2.0.99"));
    Pod pod =
        Waits.until(
            "head pod of RayCluster " + ns + "/nosuch",
            "its container waiting with ErrImagePull",
            Duration.ofMinutes(3),
            () -> headPod("nosuch"),
            p -> p != null && waiting(p) != null && "ErrImagePull".equals(waiting(p).getReason()),
            String::valueOf,
            null);

    assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(waiting(pod).getMessage())
        .contains("Ray 2.0.99")
        .contains("kuberay.ray.pythons")
        .contains("image rayproject/ray:2.0.99");
    assertThat(pod.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("False");
            });
    // The kubelet records its Failed event just after it writes the waiting status.
    List<Event> events =
        Waits.until(
            "events of pod " + ns + "/" + pod.getMetadata().getName(),
            "a Warning event",
            Duration.ofSeconds(30),
            () ->
                env.client().v1().events().inNamespace(ns).list().getItems().stream()
                    .filter(
                        e -> pod.getMetadata().getName().equals(e.getInvolvedObject().getName()))
                    .toList(),
            list -> list.stream().anyMatch(e -> "Warning".equals(e.getType())),
            String::valueOf,
            null);
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("Failed");
              assertThat(e.getMessage()).contains("Ray 2.0.99").contains("kuberay.ray.pythons");
            });
    assertThat(events).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Pulling"));
    env.rayClusters().inNamespace(ns).withName("nosuch").delete();
  }

  @Test
  @DisplayName(
      "a worker whose image names another Ray than its head's is refused by Ray and crash-loops; the cluster is not ready")
  void aWorkerOfAnotherRayIsRefusedByRay() {
    GenericKubernetesResource rc =
        RayClusterSpec.named("mixed")
            .withImage("rayproject/ray:2.46.0")
            .withWorkerGroup(WorkerGroupSpec.named("newer").withReplicas(1))
            .toResource(ns);
    workerContainer(rc).put("image", "rayproject/ray:2.52.0");
    env.client().resource(rc).create();

    Pod worker =
        Waits.until(
            "worker pod of RayCluster " + ns + "/mixed",
            "its container restarted after its Ray exited",
            Duration.ofMinutes(5),
            () -> pod("mixed", "worker"),
            p -> p != null && restarts(p) >= 1,
            p -> p == null ? "no pod" : "restarts " + restarts(p) + ", " + p.getStatus(),
            null);

    // What kubectl logs --previous shows: the instance Ray refused.
    String logs =
        env.client()
            .pods()
            .inNamespace(ns)
            .withName(worker.getMetadata().getName())
            .terminated()
            .getLog();
    assertThat(logs).contains("Version mismatch").contains("Ray: 2.46.0").contains("Ray: 2.52.0");
    assertThat(worker.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("False");
            });
    assertThat(env.rayClusters().inNamespace(ns).withName("mixed").status().state())
        .isNotEqualTo("ready");
    env.rayClusters().inNamespace(ns).withName("mixed").delete();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> workerContainer(GenericKubernetesResource rc) {
    Map<String, Object> spec = (Map<String, Object>) rc.getAdditionalProperties().get("spec");
    Map<String, Object> group = ((List<Map<String, Object>>) spec.get("workerGroupSpecs")).get(0);
    Map<String, Object> podSpec =
        (Map<String, Object>) ((Map<String, Object>) group.get("template")).get("spec");
    return ((List<Map<String, Object>>) podSpec.get("containers")).get(0);
  }

  private static int restarts(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
        ? 0
        : pod.getStatus().getContainerStatuses().stream()
            .mapToInt(cs -> cs.getRestartCount() == null ? 0 : cs.getRestartCount())
            .max()
            .orElse(0);
  }

  private static Pod pod(String cluster, String type) {
    return env
        .client()
        .pods()
        .inNamespace(ns)
        .withLabel("ray.io/cluster", cluster)
        .withLabel("ray.io/node-type", type)
        .list()
        .getItems()
        .stream()
        .findFirst()
        .orElse(null);
  }

  private static Pod headPod(String cluster) {
    return pod(cluster, "head");
  }

  private static ContainerStateWaiting waiting(Pod pod) {
    if (pod.getStatus() == null
        || pod.getStatus().getContainerStatuses() == null
        || pod.getStatus().getContainerStatuses().isEmpty()) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().get(0).getState().getWaiting();
  }
}
