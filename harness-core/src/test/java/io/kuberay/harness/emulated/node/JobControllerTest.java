package io.kuberay.harness.emulated.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which Jobs the node's Job controller runs, and its back-off. */
class JobControllerTest {

  @Test
  @DisplayName(
      "Indexed Jobs are not run by the node's controller; a RayJob's submitter Job is, without its"
          + " pods' command (the emulated operator plays the submitter)")
  void whichJobsRun() {
    Job plain = new JobBuilder().withNewMetadata().endMetadata().build();
    assertThat(JobController.runs(plain)).isTrue();
    assertThat(JobController.runsCommands(plain)).isTrue();
    Job submitter =
        new JobBuilder()
            .withNewMetadata()
            .addNewOwnerReference()
            .withApiVersion("ray.io/v1")
            .withKind("RayJob")
            .withName("rayjob")
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .build();
    assertThat(JobController.runs(submitter)).isTrue();
    assertThat(JobController.runsCommands(submitter)).isFalse();
    Job cleanup =
        new JobBuilder()
            .withNewMetadata()
            .addNewOwnerReference()
            .withApiVersion("ray.io/v1")
            .withKind("RayCluster")
            .withName("c")
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .build();
    assertThat(JobController.runs(cleanup)).isTrue();
    assertThat(JobController.runsCommands(cleanup)).isTrue();
    Job indexed =
        new JobBuilder()
            .withNewMetadata()
            .endMetadata()
            .withNewSpec()
            .withCompletionMode("Indexed")
            .endSpec()
            .build();
    assertThat(JobController.runs(indexed)).isFalse();
    assertThat(JobController.runsCommands(indexed)).isFalse();
  }

  @Test
  @DisplayName("pod-failure back-off: 10 s, doubled per failure, at most 10 minutes")
  void backoff() {
    Instant failed = Instant.parse("2026-12-02T10:00:00Z");
    assertThat(JobController.backoff(1, failed, failed)).isEqualTo(Duration.ofSeconds(10));
    assertThat(JobController.backoff(2, failed, failed.plusSeconds(5)))
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(JobController.backoff(1, failed, failed.plusSeconds(11))).isZero();
    assertThat(JobController.backoff(12, failed, failed)).isEqualTo(Duration.ofMinutes(10));
    assertThat(JobController.backoff(1, null, failed)).isZero();
  }
}
