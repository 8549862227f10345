package io.kuberay.harness.emulated.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/**
 * A batch/v1 Job as the Job controller and KubeRay read it: its pods, found by the uid label its
 * selector carries (so the pods of an earlier Job of the same name are not among them), and its
 * conditions.
 */
public final class BatchJobs {

  public static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";

  private BatchJobs() {}

  public static List<Pod> pods(KubernetesClient client, Job job) {
    return client
        .pods()
        .inNamespace(job.getMetadata().getNamespace())
        .withLabel(CONTROLLER_UID, job.getMetadata().getUid())
        .list()
        .getItems();
  }

  /** The first condition of {@code type} whose status is True, in the order the Job lists them. */
  public static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  /** Complete or Failed is True: the Job has finished. */
  public static boolean finished(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }
}
