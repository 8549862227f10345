package io.kuberay.harness.emulated.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * A Job's pods, found as the Job controller finds them: by the uid label its selector carries, so
 * the pods of an earlier Job of the same name are not among them.
 */
public final class JobPods {

  public static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";

  private JobPods() {}

  public static List<Pod> of(KubernetesClient client, Job job) {
    return client
        .pods()
        .inNamespace(job.getMetadata().getNamespace())
        .withLabel(CONTROLLER_UID, job.getMetadata().getUid())
        .list()
        .getItems();
  }
}
