package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ray.RayJobsClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's own images on the emulated backend: a RayJob whose entrypoint runs a script from a
 * mapped image directory, an image with requirements, and the failure modes (an image neither Ray's
 * nor mapped; requirements that cannot be installed) as a kubelet reports a failed pull.
 */
class UserImagesIT {

  private static final Duration WAIT = Duration.ofMinutes(8);

  @TempDir static Path dir;
  private static Path app;
  private static Path requirements;
  private static Path badRequirements;
  private static KubeRayEnvironment env;
  private static String ns;

  @BeforeAll
  static void start() throws IOException {
    app = Files.createDirectory(dir.resolve("app"));
    Files.writeString(app.resolve("helper.py"), "def total(xs):\n    return sum(xs)\n");
    Files.writeString(
        app.resolve("train.py"),
        String.join(
            "\n",
            "import ray, helper",
            "ray.init()",
            "@ray.remote",
            "def square(x):",
            "    return x * x",
            "print('train.py sum of squares', helper.total(ray.get([square.remote(i) for i in"
                + " range(4)])))",
            ""));
    requirements = Files.writeString(dir.resolve("requirements.txt"), "tinydb==4.8.0\n");
    badRequirements =
        Files.writeString(
            dir.resolve("bad-requirements.txt"), "kuberay-harness-no-such-package==9.9.9\n");
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.REQUIRED)
            .userImage("myorg/ray-app:*", app, "/app")
            .userImage(
                UserImage.named("myorg/ray-req:*")
                    .withDirectory(app, "/app")
                    .withRequirements(requirements))
            .userImage(
                UserImage.named("myorg/ray-bad:*")
                    .withDirectory(app, "/app")
                    .withRequirements(badRequirements))
            .startExactly();
    ns = env.createNamespace("images");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @DisplayName(
      "a RayJob running python /app/train.py from a mapped image completes with its output")
  @SuppressWarnings("unchecked")
  void rayJobRunsTheImagesScript() {
    String yaml =
        String.join(
            "\n",
            "apiVersion: ray.io/v1",
            "kind: RayJob",
            "metadata:",
            "  name: train",
            "spec:",
            "  entrypoint: python /app/train.py",
            "  rayClusterSpec:",
            "    rayVersion: '2.52.0'",
            "    headGroupSpec:",
            "      rayStartParams: {}",
            "      template:",
            "        spec:",
            "          containers:",
            "          - name: ray-head",
            "            image: myorg/ray-app:1.2",
            "            resources:",
            "              limits: {cpu: '1', memory: 2Gi}",
            "              requests: {cpu: 500m, memory: 1Gi}",
            "");
    GenericKubernetesResource job =
        env.client().getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    env.client()
        .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
        .inNamespace(ns)
        .resource(job)
        .create();
    Map<String, Object> status =
        Waits.until(
            "RayJob " + ns + "/train",
            "jobDeploymentStatus Complete",
            WAIT,
            () -> {
              GenericKubernetesResource r =
                  env.client()
                      .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
                      .inNamespace(ns)
                      .withName("train")
                      .get();
              return r == null
                  ? null
                  : (Map<String, Object>)
                      r.getAdditionalProperties().getOrDefault("status", Map.of());
            },
            s -> "Complete".equals(s.get("jobDeploymentStatus")),
            String::valueOf,
            s -> "Failed".equals(s.get("jobDeploymentStatus")));
    assertThat(status).containsEntry("jobStatus", "SUCCEEDED");
    RayClusterHandle cluster =
        env.rayClusters().inNamespace(ns).withName((String) status.get("rayClusterName"));
    String logs = RayJobsClient.connect(cluster.dashboardUrl()).logs((String) status.get("jobId"));
    assertThat(logs).contains("train.py sum of squares 14");

    // Every exec in the pod sees the image's directory, read-only as an image's layers are here.
    PodHandle head = cluster.headPod();
    ExecResult listed = head.exec("ls", "/app");
    assertThat(listed.stdout()).contains("train.py").contains("helper.py");
    ExecResult write = head.exec("sh", "-c", "touch /app/new-file");
    assertThat(write.exitCode()).isNotZero();
    assertThat(app.resolve("new-file")).doesNotExist();
  }

  @Test
  @DisplayName(
      "an image with requirements runs Ray with them installed, provisioned as an image pull")
  void requirementsAreInstalledIntoTheImagesRuntime() {
    RayClusterHandle cluster =
        env.rayClusters()
            .inNamespace(ns)
            .create(RayClusterSpec.named("req").withImage("myorg/ray-req:1"));
    try {
      cluster.awaitReady(WAIT);
      ExecResult r =
          cluster
              .headPod()
              .exec(
                  "python",
                  "-c",
                  "import ray, tinydb; print('tinydb', tinydb.__version__, 'ray', ray.__version__)");
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stdout()).contains("tinydb 4.8.0 ray " + RayImages.DEFAULT_RAY_VERSION);
      assertThat(events(cluster.headPod().name()))
          .anySatisfy(
              e -> {
                assertThat(e.getReason()).isEqualTo("Pulling");
                assertThat(e.getMessage())
                    .contains("with the requirements of " + requirements)
                    .contains("myorg/ray-req:1");
              })
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Pulled"));
    } finally {
      cluster.delete();
    }
  }

  @Test
  @DisplayName(
      "an image neither Ray's nor mapped leaves the head Pending with ErrImagePull saying what to map")
  void unknownImageIsNotRun() {
    env.rayClusters()
        .inNamespace(ns)
        .create(RayClusterSpec.named("unknown").withImage("myorg/unknown-app:3"));
    Pod pod = awaitErrImagePull("unknown");

    assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(waiting(pod).getMessage())
        .contains("image \"myorg/unknown-app:3\" is neither a Ray image")
        .contains("kuberay.pods.images=myorg/unknown-app:*")
        .contains("@ImageContents")
        .contains("userImage(");
    assertThat(pod.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("False");
            });
    // The kubelet writes the event beside the status, not before it: wait for it, bounded.
    Waits.until(
        "events of pod " + pod.getMetadata().getName(),
        "a Warning Failed event",
        Duration.ofSeconds(30),
        () -> events(pod.getMetadata().getName()),
        es -> es.stream().anyMatch(e -> "Failed".equals(e.getReason())),
        String::valueOf,
        null);
    assertThat(events(pod.getMetadata().getName()))
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("Failed");
              assertThat(e.getMessage())
                  .contains("Failed to pull image")
                  .contains("myorg/unknown-app:3")
                  .contains("cannot know what it holds");
            })
        .noneSatisfy(e -> assertThat(e.getReason()).isEqualTo("Pulling"));
    env.rayClusters().inNamespace(ns).withName("unknown").delete();
  }

  @Test
  @DisplayName(
      "requirements that cannot be installed leave the head Pending with ErrImagePull naming image, file and error")
  void failingRequirementsSayWhichAndWhy() {
    env.rayClusters()
        .inNamespace(ns)
        .create(RayClusterSpec.named("bad").withImage("myorg/ray-bad:1"));
    Pod pod = awaitErrImagePull("bad");

    assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(waiting(pod).getMessage())
        .contains("image myorg/ray-bad:1")
        .contains("requirements file " + badRequirements)
        .contains("kuberay-harness-no-such-package")
        .contains("Fix: correct the requirements file");
    env.rayClusters().inNamespace(ns).withName("bad").delete();
  }

  private static Pod awaitErrImagePull(String cluster) {
    return Waits.until(
        "head pod of RayCluster " + ns + "/" + cluster,
        "its container waiting with ErrImagePull",
        WAIT,
        () -> headPod(cluster),
        p -> p != null && waiting(p) != null && "ErrImagePull".equals(waiting(p).getReason()),
        String::valueOf,
        null);
  }

  private static List<Event> events(String pod) {
    return env.client().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private static Pod headPod(String cluster) {
    return env
        .client()
        .pods()
        .inNamespace(ns)
        .withLabel("ray.io/cluster", cluster)
        .withLabel("ray.io/node-type", "head")
        .list()
        .getItems()
        .stream()
        .findFirst()
        .orElse(null);
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
