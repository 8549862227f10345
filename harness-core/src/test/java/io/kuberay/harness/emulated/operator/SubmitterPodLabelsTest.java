package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.node.JobController;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which objects of a K8sJobMode RayJob carry its {@code ray.io/originated-from-*} labels: the
 * submitter Job in every release ({@code common/job.go}), its pods from v1.7.0 ({@code
 * getSubmitterTemplate}, checked by v1.7.0's {@code
 * TestCreateNewK8sJob_PropagatesLabelsToSubmitterPodTemplate}).
 */
class SubmitterPodLabelsTest {

  private final EmulatedApiServer api = new EmulatedApiServer().start("http://127.0.0.1:1");
  private final KubernetesClient client = api.client();

  /** The node's Job controller makes the submitter's pods from the Job's template. */
  private final JobController jobs =
      new JobController(client, api, new EventRecorder(api, "job-controller")).start();

  private SubmitterJobs submitters;

  @AfterEach
  void close() {
    if (submitters != null) {
      submitters.close();
    }
    jobs.close();
    api.close();
  }

  private Job create(String version) {
    submitters =
        new SubmitterJobs(
            client, (namespace, cluster) -> Optional.empty(), UpstreamSpecs.flavor(version));
    api.create(UpstreamSpecs.openCrd("RayJob"));
    GenericKubernetesResource stored =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
            .inNamespace("default")
            .resource(
                Serialization.unmarshal(
                    """
                    apiVersion: ray.io/v1
                    kind: RayJob
                    metadata: {name: rayjob-sample, namespace: default}
                    spec:
                      entrypoint: python -c 'print(1)'
                      submitterPodTemplate:
                        metadata: {labels: {team: ml}}
                        spec:
                          restartPolicy: Never
                          containers: [{name: ray-job-submitter, image: rayproject/ray:2.52.0}]
                    """,
                    GenericKubernetesResource.class))
            .create();
    return submitters.create(
        new RayJobView(stored),
        "rayjob-sample-abc12",
        "127.0.0.1:8265",
        "c",
        "img",
        new TokenAuth(UpstreamSpecs.flavor(version), "c", Map.of()));
  }

  private Pod submitterPod() {
    return Awaitility.await("the submitter pod of Job default/rayjob-sample")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> client.pods().inNamespace("default").list().getItems().stream().findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  @Test
  void v150LabelsTheJobButNotItsPods() {
    Job job = create("v1.5.0");

    assertThat(job.getMetadata().getLabels())
        .containsEntry("ray.io/originated-from-cr-name", "rayjob-sample")
        .containsEntry("ray.io/originated-from-crd", "RayJob");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "ml")
        .doesNotContainKeys(
            "ray.io/originated-from-cr-name",
            "ray.io/originated-from-crd",
            "app.kubernetes.io/created-by");
    assertThat(submitterPod().getMetadata().getLabels())
        .doesNotContainKeys("ray.io/originated-from-cr-name", "ray.io/originated-from-crd");
  }

  @Test
  void v170LabelsTheSubmitterPodsToo() {
    Job job = create("v1.7.0");

    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "ml")
        .containsEntry("ray.io/originated-from-cr-name", "rayjob-sample")
        .containsEntry("ray.io/originated-from-crd", "RayJob")
        .containsEntry("app.kubernetes.io/created-by", "kuberay-operator");
    assertThat(submitterPod().getMetadata().getLabels())
        .containsEntry("ray.io/originated-from-cr-name", "rayjob-sample")
        .containsEntry("ray.io/originated-from-crd", "RayJob");
  }
}
