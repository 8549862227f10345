package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A K8sJobMode submitter pod the API server refuses is created once the cause is gone, as
 * kube-controller-manager's Job controller syncs the Job again after its API back-off: the
 * submitter used to warn once and leave the Job without a pod for good.
 */
class SubmitterPodRetryTest {

  private static final String REFUSED =
      "Error creating: pods \"rayjob-sample-\" is forbidden: error looking up service account"
          + " default/submitter-sa: serviceaccount \"submitter-sa\" not found";

  /** KubeRay v1.5.0 has no token authentication: the submitter gets no token env. */
  private static final TokenAuth NO_AUTH =
      new TokenAuth(UpstreamSpecs.flavor("v1.5.0"), "c", Map.of());

  private final EmulatedApiServer api = new EmulatedApiServer().start("http://127.0.0.1:1");
  private final KubernetesClient client = api.client();
  private final SubmitterJobs submitters =
      new SubmitterJobs(
          client,
          (namespace, cluster) -> Optional.empty(),
          new EventRecorder(api, "job-controller"),
          UpstreamSpecs.flavor("v1.5.0"),
          Duration.ofMillis(100),
          Duration.ofMillis(400));

  @AfterEach
  void close() {
    submitters.close();
    api.close();
  }

  /** The RayJob, stored: the garbage collector removes a Job whose owner does not exist. */
  private RayJobView rayJob() {
    api.create(UpstreamSpecs.openCrd("RayJob"));
    GenericKubernetesResource stored =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
            .inNamespace("default")
            .resource(rayJobSpec())
            .create();
    return new RayJobView(stored);
  }

  private static GenericKubernetesResource rayJobSpec() {
    return Serialization.unmarshal(
        """
            apiVersion: ray.io/v1
            kind: RayJob
            metadata: {name: rayjob-sample, namespace: default}
            spec:
              entrypoint: python -c 'print(1)'
              submitterPodTemplate:
                spec:
                  serviceAccountName: submitter-sa
                  restartPolicy: Never
                  containers: [{name: ray-job-submitter, image: rayproject/ray:2.46.0}]
            """,
        GenericKubernetesResource.class);
  }

  private List<Pod> submitterPods() {
    return client.pods().inNamespace("default").list().getItems();
  }

  private List<Event> failedCreates() {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "FailedCreate".equals(e.getReason()))
        .toList();
  }

  @Test
  @DisplayName(
      "a submitter pod refused for a missing ServiceAccount: FailedCreate repeated with the Job"
          + " controller's back-off, and the pod made once the account exists")
  void refusedPodIsCreatedOnceTheAccountExists() {
    Job job =
        submitters.create(rayJob(), "rayjob-sample-abc12", "127.0.0.1:8265", "c", "img", NO_AUTH);
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
    submitters.create(rayJob(), "rayjob-sample-abc12", "127.0.0.1:8265", "c", "img", NO_AUTH);
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
