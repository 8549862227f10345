package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuberay.harness.Waits;
import io.kuberay.harness.emulated.operator.running.RunningChecks;
import io.kuberay.harness.emulated.support.SubmitterContainer;
import io.kuberay.harness.emulated.support.SubmitterExits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SidecarMode's {@code ray-job-submitter} container, whose command the emulated operator plays,
 * ends on the node when that command does: terminated with its exit code while the head pod's Ray
 * container runs on (restartPolicy Never), the pod no longer ready, as a kubelet shows it; the
 * RayJob controller reads the end from there ({@code checkSidecarContainerStatus}, {@code
 * getSubmitterContainerFinishedTime}).
 */
class SidecarSubmitterExitTest {

  @TempDir Path dir;

  private SubmitterNode node;

  @AfterEach
  void close() {
    if (node != null) {
      node.close();
    }
  }

  private static Optional<ContainerStatus> container(Pod pod, String name) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(cs -> name.equals(cs.getName()))
        .findFirst();
  }

  private static boolean running(Pod pod, String name) {
    return container(pod, name).map(cs -> cs.getState().getRunning() != null).orElse(false);
  }

  private static String describe(Pod pod) {
    return pod.getStatus() == null
        ? "no status"
        : String.valueOf(pod.getStatus().getContainerStatuses());
  }

  @Test
  void theSidecarEndsWithItsExitCodeAndTheRayContainerRunsOn() {
    node = new SubmitterNode(dir);
    node.client
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("side-head")
                .withNamespace("default")
                .addToLabels("ray.io/is-ray-node", "yes")
                .addToLabels("ray.io/cluster", "side")
                .addToLabels("ray.io/node-type", "head")
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("ray-head")
                .withImage("rayproject/ray:2.52.0")
                .endContainer()
                .addNewContainer()
                .withName(SubmitterContainer.NAME)
                .withImage("rayproject/ray:2.52.0")
                .endContainer()
                .endSpec()
                .build())
        .create();
    var pod = node.client.pods().inNamespace("default").withName("side-head");
    Waits.until(
        "pod default/side-head",
        "both containers running",
        Duration.ofSeconds(30),
        pod::get,
        p -> running(p, "ray-head") && running(p, SubmitterContainer.NAME),
        SidecarSubmitterExitTest::describe,
        null);

    SubmitterExits.sidecarExited("default/side-head", 1);

    Pod ended =
        Waits.until(
            "pod default/side-head",
            "container ray-job-submitter terminated",
            Duration.ofSeconds(30),
            pod::get,
            p ->
                container(p, SubmitterContainer.NAME)
                    .map(cs -> cs.getState().getTerminated() != null)
                    .orElse(false),
            SidecarSubmitterExitTest::describe,
            null);
    var terminated =
        container(ended, SubmitterContainer.NAME).orElseThrow().getState().getTerminated();
    assertThat(terminated.getExitCode()).isEqualTo(1);
    assertThat(terminated.getReason()).isEqualTo("Error");
    assertThat(terminated.getFinishedAt()).isNotBlank();
    assertThat(running(ended, "ray-head")).as("the Ray container").isTrue();
    assertThat(ended.getStatus().getPhase()).isEqualTo("Running");
    assertThat(ended.getStatus().getConditions())
        .filteredOn(c -> "Ready".equals(c.getType()))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getMessage())
                  .isEqualTo("containers with unready status: [ray-job-submitter]");
            });
    assertThat(RunningChecks.sidecarFailed(ended, "RUNNING"))
        .map(RunningChecks.Transition::reason)
        .contains("SubmissionFailed");
    assertThat(RunningChecks.sidecarFinishedAt(ended)).isPresent();
  }
}
