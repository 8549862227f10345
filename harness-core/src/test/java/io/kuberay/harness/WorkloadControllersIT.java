package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Deployments and StatefulSets on the emulated node, as a real cluster runs them (the Redis of
 * KubeRay's GCS fault-tolerance samples), and a DaemonSet's one pod on the node: their pods run
 * what the image runs, or say why they cannot.
 */
class WorkloadControllersIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @DisplayName(
      "a redis Deployment and a redis StatefulSet with a claim run redis-server and become 1/1; a busybox Deployment's pod waits with ErrImagePull naming the image")
  void deploymentsAndStatefulSetsRunTheirPods() {
    Assumptions.assumeTrue(
        Stream.of(System.getenv("PATH").split(":"))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "redis-server"))),
        "redis-server is not on the PATH (apt-get install redis-server)");
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().kuberayVersion("v1.5.0").rayMode(RayMode.OFF).startExactly()) {
      env.client().resource(deployment("redis", "redis:7.4.0")).create();
      env.client().resource(statefulSet("redis-sts", "redis:7.4.0")).create();
      env.client().resource(deployment("tools", "busybox:1.36")).create();
      Waits.until(
          "Deployment default/redis",
          "1/1 available",
          WAIT,
          () -> env.client().apps().deployments().inNamespace("default").withName("redis").get(),
          d ->
              d.getStatus() != null
                  && Integer.valueOf(1).equals(d.getStatus().getAvailableReplicas()),
          d -> String.valueOf(d.getStatus()),
          null);
      Waits.until(
          "StatefulSet default/redis-sts",
          "1/1 ready",
          WAIT,
          () ->
              env.client().apps().statefulSets().inNamespace("default").withName("redis-sts").get(),
          s -> s.getStatus() != null && Integer.valueOf(1).equals(s.getStatus().getReadyReplicas()),
          s -> String.valueOf(s.getStatus()),
          null);
      PersistentVolumeClaim claim =
          env.client()
              .persistentVolumeClaims()
              .inNamespace("default")
              .withName("data-redis-sts-0")
              .get();
      assertThat(claim.getStatus().getPhase()).isEqualTo("Bound");
      // The pod's process is a real redis-server: it answers PING through the pod's exec.
      Pod redis =
          env.client()
              .pods()
              .inNamespace("default")
              .withLabel("app", "redis")
              .list()
              .getItems()
              .get(0);
      assertThat(
              env.pod("default", redis.getMetadata().getName()).exec("redis-cli", "PING").stdout())
          .contains("PONG");

      ContainerStatus tools =
          Waits.until(
              "the pod of Deployment default/tools",
              "waiting with ErrImagePull",
              WAIT,
              () -> waiting(env, "tools"),
              s -> s != null && s.getState().getWaiting() != null,
              String::valueOf,
              null);
      assertThat(tools.getState().getWaiting().getReason()).isEqualTo("ErrImagePull");
      assertThat(tools.getState().getWaiting().getMessage())
          .contains("image \"busybox:1.36\" is neither a Ray image");
      Deployment d =
          env.client().apps().deployments().inNamespace("default").withName("tools").get();
      assertThat(d.getStatus().getAvailableReplicas()).isNull();
      assertThat(d.getStatus().getUnavailableReplicas()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "a DaemonSet gets one pod on the emulated node, pinned to it, which runs redis-server to ready")
  void aDaemonSetRunsOnePod() {
    Assumptions.assumeTrue(
        Stream.of(System.getenv("PATH").split(":"))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "redis-server"))),
        "redis-server is not on the PATH (apt-get install redis-server)");
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().kuberayVersion("v1.5.0").rayMode(RayMode.OFF).startExactly()) {
      env.client()
          .resource(
              new DaemonSetBuilder()
                  .withNewMetadata()
                  .withName("agent")
                  .withNamespace("default")
                  .endMetadata()
                  .withNewSpec()
                  .withNewSelector()
                  .addToMatchLabels("app", "agent")
                  .endSelector()
                  .withNewTemplate()
                  .withNewMetadata()
                  .addToLabels("app", "agent")
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("agent")
                  .withImage("redis:7.4.0")
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();
      Waits.until(
          "DaemonSet default/agent",
          "1 of 1 ready",
          WAIT,
          () -> env.client().apps().daemonSets().inNamespace("default").withName("agent").get(),
          d ->
              d.getStatus() != null
                  && d.getStatus().getDesiredNumberScheduled() == 1
                  && Integer.valueOf(1).equals(d.getStatus().getNumberReady()),
          d -> String.valueOf(d.getStatus()),
          null);
      Pod pod =
          env.client()
              .pods()
              .inNamespace("default")
              .withLabel("app", "agent")
              .list()
              .getItems()
              .get(0);
      assertThat(pod.getMetadata().getName()).matches("agent-[a-z0-9]{5}");
      assertThat(pod.getSpec().getNodeName()).isNotBlank();
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
          .containsExactly(pod.getSpec().getNodeName());
      assertThat(env.client().v1().events().inAnyNamespace().list().getItems())
          .noneMatch(e -> "NoController".equals(e.getReason()));
    }
  }

  private static ContainerStatus waiting(KubeRayEnvironment env, String app) {
    return env
        .client()
        .pods()
        .inNamespace("default")
        .withLabel("app", app)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
        .flatMap(p -> p.getStatus().getContainerStatuses().stream())
        .findFirst()
        .orElse(null);
  }

  private static Deployment deployment(String name, String image) {
    return new DeploymentBuilder()
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
        .addNewContainer()
        .withName(name)
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static StatefulSet statefulSet(String name, String image) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withServiceName(name)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("redis")
        .withImage(image)
        .addNewVolumeMount()
        .withName("data")
        .withMountPath("/data")
        .endVolumeMount()
        .endContainer()
        .endSpec()
        .endTemplate()
        .addNewVolumeClaimTemplate()
        .withNewMetadata()
        .withName("data")
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withNewResources()
        .addToRequests("storage", new Quantity("1Gi"))
        .endResources()
        .endSpec()
        .endVolumeClaimTemplate()
        .endSpec()
        .build();
  }
}
