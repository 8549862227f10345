package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuberay.harness.NodeCapacity;
import io.kuberay.harness.emulated.node.sandbox.MountNamespaces;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.support.SubmitterContainer;
import io.kuberay.harness.emulated.support.SubmitterLogs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An emulated RayJob submitter pod's log is the Ray job's log its submitter followed, as the real
 * submitter's {@code ray job logs --follow} prints it, until the pod is deleted.
 */
class SubmitterPodLogsTest {

  @TempDir Path dir;

  @Test
  void theSubmitterPodShowsWhatItFollowedUntilItIsStopped() {
    SimulatedPodRuntime runtime =
        new SimulatedPodRuntime(
            new PodFilesystems(
                dir, () -> null, new NodeCapacity("2", "4Gi"), MountNamespaces.probe(), true));
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("rayjob-sample-abcde")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName(SubmitterContainer.NAME)
            .endContainer()
            .endSpec()
            .build();
    SubmitterLogs.open("ns/rayjob-sample-abcde"); // the node started the pod
    SubmitterLogs.append("ns/rayjob-sample-abcde", SubmitterContainer.NAME, "test_counter got 1\n");
    SubmitterLogs.append("ns/rayjob-sample-abcde", SubmitterContainer.NAME, "test_counter got 2\n");

    assertThat(runtime.logs(pod, null)).isEqualTo("test_counter got 1\ntest_counter got 2\n");

    runtime.stop("ns", "rayjob-sample-abcde");
    assertThat(runtime.logs(pod, null)).isEmpty();

    // A submitter that still prints after its pod is gone (its cluster was deleted) keeps nothing.
    SubmitterLogs.append("ns/rayjob-sample-abcde", SubmitterContainer.NAME, "connection refused\n");
    assertThat(SubmitterLogs.of("ns/rayjob-sample-abcde", SubmitterContainer.NAME)).isEmpty();
  }
}
