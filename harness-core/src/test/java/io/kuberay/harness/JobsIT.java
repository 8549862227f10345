package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes Jobs on the emulated backend: the node's Job controller makes the pods, and a pod of a
 * Ray image runs its command with that image's Ray, ending Succeeded or Failed with the exit code;
 * the Job's counters and conditions follow as Kubernetes 1.31 writes them. A Job whose image the
 * node cannot know waits with ErrImagePull instead of pretending to run.
 */
class JobsIT {

  private static final Duration WAIT = Duration.ofMinutes(4);

  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static String job(String name, String image, String code, int backoffLimit) {
    return """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: %s
        spec:
          backoffLimit: %d
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: main
                image: %s
                command: [python, -c, "%s"]
                env:
                - {name: GREETING, value: hello}
        """
        .formatted(name, backoffLimit, image, code);
  }

  @Test
  @DisplayName("python -c in a Ray image: the pod runs with the image's Ray and the Job completes")
  void rayImageJobCompletes() {
    env.client()
        .resourceList(
            job(
                "py-ok",
                "rayproject/ray:2.52.0",
                "import os, ray; print(os.environ['GREETING'], 'ray', ray.__version__)",
                0))
        .inNamespace("default")
        .create();
    Job job = awaitFinished("py-ok");
    assertThat(conditionTypes(job)).containsExactly("SuccessCriteriaMet", "Complete");
    assertThat(job.getStatus().getConditions())
        .allSatisfy(
            c -> {
              assertThat(c.getReason()).isEqualTo("CompletionsReached");
              assertThat(c.getMessage()).isEqualTo("Reached expected number of succeeded pods");
            });
    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    assertThat(job.getStatus().getFailed()).isNull();
    assertThat(job.getStatus().getActive()).isNull();
    assertThat(job.getStatus().getStartTime()).isNotNull();
    assertThat(job.getStatus().getCompletionTime()).isNotNull();

    Pod pod = onlyPod("py-ok");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("batch.kubernetes.io/job-name", "py-ok")
        .containsEntry("job-name", "py-ok")
        .containsEntry("batch.kubernetes.io/controller-uid", job.getMetadata().getUid());
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("Job"));
    assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getTerminated())
        .satisfies(
            t -> {
              assertThat(t.getExitCode()).isZero();
              assertThat(t.getReason()).isEqualTo("Completed");
            });
    assertThat(env.pod("default", pod.getMetadata().getName()).logs()).contains("hello ray 2.52.0");
    assertThat(jobEvents("py-ok")).contains("SuccessfulCreate", "Completed");
  }

  @Test
  @DisplayName(
      "a failing command: the pod ends Failed with its exit code, retried per backoffLimit, then"
          + " the Job fails with BackoffLimitExceeded")
  void failingJobFails() {
    env.client()
        .resourceList(
            job(
                "py-fail",
                "rayproject/ray:2.52.0",
                "import sys; print('giving up'); sys.exit(3)",
                1))
        .inNamespace("default")
        .create();
    Job job = awaitFinished("py-fail");
    assertThat(conditionTypes(job)).containsExactly("FailureTarget", "Failed");
    JobCondition failed = job.getStatus().getConditions().get(1);
    assertThat(failed.getReason()).isEqualTo("BackoffLimitExceeded");
    assertThat(failed.getMessage()).isEqualTo("Job has reached the specified backoff limit");
    assertThat(job.getStatus().getFailed()).isEqualTo(2);
    assertThat(job.getStatus().getSucceeded()).isNull();

    List<Pod> pods = pods("py-fail");
    assertThat(pods).hasSize(2);
    for (Pod pod : pods) {
      assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
      assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getTerminated())
          .satisfies(
              t -> {
                assertThat(t.getExitCode()).isEqualTo(3);
                assertThat(t.getReason()).isEqualTo("Error");
              });
      assertThat(env.pod("default", pod.getMetadata().getName()).logs()).contains("giving up");
    }
    assertThat(jobEvents("py-fail")).contains("SuccessfulCreate", "BackoffLimitExceeded");
  }

  @Test
  @DisplayName(
      "an image the node cannot know: the pod waits with ErrImagePull, the Job stays active")
  void unknownImageDoesNotPretend() {
    env.client()
        .resourceList(job("busy", "busybox:1.36", "print(1)", 0))
        .inNamespace("default")
        .create();
    Pod pod =
        Waits.until(
            "pod of Job default/busy",
            "waiting with ErrImagePull",
            WAIT,
            () -> pods("busy").stream().findFirst().orElse(null),
            p ->
                p != null
                    && p.getStatus().getContainerStatuses() != null
                    && !p.getStatus().getContainerStatuses().isEmpty()
                    && p.getStatus().getContainerStatuses().get(0).getState().getWaiting() != null
                    && "ErrImagePull"
                        .equals(
                            p.getStatus()
                                .getContainerStatuses()
                                .get(0)
                                .getState()
                                .getWaiting()
                                .getReason()),
            p -> p == null ? "no pod" : PodHandle.describe(p),
            null);
    assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage())
        .contains("busybox:1.36", "neither a Ray image");
    Job job = env.client().batch().v1().jobs().inNamespace("default").withName("busy").get();
    assertThat(job.getStatus().getActive()).isEqualTo(1);
    assertThat(job.getStatus().getConditions()).isNullOrEmpty();
  }

  private static Job awaitFinished(String name) {
    return Waits.until(
        "Job default/" + name,
        "Complete or Failed",
        WAIT,
        () -> env.client().batch().v1().jobs().inNamespace("default").withName(name).get(),
        j ->
            j != null
                && j.getStatus() != null
                && j.getStatus().getConditions() != null
                && j.getStatus().getConditions().stream()
                    .anyMatch(
                        c ->
                            ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                                && "True".equals(c.getStatus())),
        j ->
            (j == null ? "no Job" : String.valueOf(j.getStatus()))
                + " pods: "
                + pods(name).stream().map(PodHandle::describe).toList(),
        null);
  }

  private static List<String> conditionTypes(Job job) {
    return job.getStatus().getConditions().stream().map(JobCondition::getType).toList();
  }

  private static List<Pod> pods(String job) {
    return env.client()
        .pods()
        .inNamespace("default")
        .withLabel("batch.kubernetes.io/job-name", job)
        .list()
        .getItems();
  }

  private static Pod onlyPod(String job) {
    List<Pod> pods = pods(job);
    assertThat(pods).as("pods of Job " + job).hasSize(1);
    return pods.get(0);
  }

  private static List<String> jobEvents(String job) {
    return env.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> job.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }
}
