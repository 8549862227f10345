package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.ray.RayJobsException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Ray job a RayJob submits: what KubeRay passes to {@code ray job submit} (common/job.go). */
class SubmitterJobsSubmissionTest {

  private static RayJobView job(String extra) {
    String yaml =
        "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: rayjob-sample\n  namespace: default\nspec:\n  entrypoint: python /home/ray/samples/sample_code.py\n"
            + extra;
    return new RayJobView(Serialization.unmarshal(yaml, GenericKubernetesResource.class));
  }

  @Test
  @DisplayName(
      "ray-job.resources.yaml: entrypointNumCpus, entrypointNumGpus and entrypointResources all reach the submission")
  void entrypointResourcesAreSubmitted() {
    String submission =
        SubmitterJobs.submission(
                job(
                    "  entrypointNumCpus: 2\n  entrypointNumGpus: 0.5\n  entrypointResources: \"{\\\"resource1\\\": 1, \\\"resource2\\\": 2}\"\n"),
                "id-1")
            .toString();
    assertThat(submission)
        .contains("entrypoint_num_cpus=2.0")
        .contains("entrypoint_num_gpus=0.5")
        .contains("entrypoint_resources={resource1=1.0, resource2=2.0}");
  }

  @Test
  @DisplayName("entrypointResources that is not a JSON object of numbers fails the submission")
  void badEntrypointResourcesFailTheSubmission() {
    assertThatThrownBy(
            () -> SubmitterJobs.submission(job("  entrypointResources: \"resource1=1\"\n"), "id-1"))
        .isInstanceOf(RayJobsException.class)
        .hasMessageContaining("entrypointResources is not a JSON object")
        .hasMessageContaining("resource1=1");
  }
}
