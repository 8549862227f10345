package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A K8sJobMode submitter pod the API server refuses is created once the cause is gone, as
 * kube-controller-manager's Job controller syncs the Job again (the node's Job controller runs the
 * submitter's Job as any other): the submitter used to warn once and leave the Job without a pod
 * for good.
 */
class SubmitterPodRetryTest {

  private static final String REFUSED =
      "Error creating: pods \"rayjob-sample-\" is forbidden: error looking up service account"
          + " default/submitter-sa: serviceaccount \"submitter-sa\" not found";

  @TempDir Path dir;
  private SubmitterNode cluster;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    cluster = new SubmitterNode(dir);
    client = cluster.client;
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private RayJobView rayJob() {
    return cluster.rayJob(
        """
          submitterPodTemplate:
            spec:
              serviceAccountName: submitter-sa
              restartPolicy: Never
              containers: [{name: ray-job-submitter, image: rayproject/ray:2.46.0}]
        """);
  }

  private List<Pod> submitterPods() {
    return cluster.pods();
  }

  private List<Event> failedCreates() {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "FailedCreate".equals(e.getReason()))
        .toList();
  }

  @Test
  @DisplayName(
      "a submitter pod refused for a missing ServiceAccount: FailedCreate repeated while the Job"
          + " controller syncs the Job again, and the pod made once the account exists")
  void refusedPodIsCreatedOnceTheAccountExists() {
    Job job = cluster.submitterJob(rayJob());
    assertThat(submitterPods()).as("pods while the account is missing").isEmpty();

    await("FailedCreate on Job default/rayjob-sample counted at least twice")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(failedCreates())
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.getMessage()).isEqualTo(REFUSED);
                          assertThat(e.getInvolvedObject().getName()).isEqualTo("rayjob-sample");
                          assertThat(e.getSource().getComponent()).isEqualTo("job-controller");
                          assertThat(e.getCount()).isGreaterThanOrEqualTo(2);
                        }));

    createServiceAccount();

    await("the submitter pod of Job default/rayjob-sample once ServiceAccount submitter-sa exists")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(submitterPods())
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.getMetadata().getOwnerReferences().get(0).getUid())
                              .isEqualTo(job.getMetadata().getUid());
                          assertThat(p.getSpec().getServiceAccountName()).isEqualTo("submitter-sa");
                        }));
  }

  @Test
  @DisplayName("a deleted Job's refused pod is not tried again")
  void deletedJobStopsTheRetries() {
    cluster.submitterJob(rayJob());
    await("the first FailedCreate on Job default/rayjob-sample")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !failedCreates().isEmpty());

    client.batch().v1().jobs().inNamespace("default").withName("rayjob-sample").delete();
    int count = failedCreates().get(0).getCount();
    createServiceAccount();

    await("no pod and at most one more FailedCreate (was x" + count + ") once the Job is gone")
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> submitterPods().isEmpty() && failedCreates().get(0).getCount() <= count + 1);
  }

  private void createServiceAccount() {
    client
        .serviceAccounts()
        .inNamespace("default")
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("submitter-sa")
                .endMetadata()
                .build())
        .create();
  }
}
