package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.emulated.support.Maps;
import java.util.Map;
import java.util.Optional;

/** A read-only typed view of a RayJob custom resource. */
final class RayJobView {

  private final GenericKubernetesResource resource;
  private final Map<String, Object> spec;
  private final Map<String, Object> status;

  RayJobView(GenericKubernetesResource resource) {
    this.resource = resource;
    this.spec = Maps.map(resource.getAdditionalProperties().get("spec"));
    this.status = Maps.map(resource.getAdditionalProperties().get("status"));
  }

  GenericKubernetesResource resource() {
    return resource;
  }

  String name() {
    return resource.getMetadata().getName();
  }

  String namespace() {
    return resource.getMetadata().getNamespace();
  }

  Map<String, Object> spec() {
    return spec;
  }

  Map<String, Object> status() {
    return status;
  }

  String deploymentStatus() {
    return Maps.string(status, "jobDeploymentStatus").orElse("");
  }

  String entrypoint() {
    return Maps.string(spec, "entrypoint").orElse("");
  }

  boolean httpMode() {
    return "HTTPMode".equals(spec.get("submissionMode"));
  }

  String submissionMode() {
    return Maps.string(spec, "submissionMode").filter(m -> !m.isEmpty()).orElse("K8sJobMode");
  }

  /** The user submits the Ray job; the RayJob waits for {@code spec.jobId}. */
  boolean interactiveMode() {
    return "InteractiveMode".equals(submissionMode());
  }

  /** The submitter runs as a container of the head pod instead of a batch Job. */
  boolean sidecarMode() {
    return "SidecarMode".equals(submissionMode());
  }

  /** {@code spec.submitterPodTemplate}, absent when not written. */
  Optional<Map<String, Object>> submitterPodTemplate() {
    Object t = spec.get("submitterPodTemplate");
    return t instanceof Map<?, ?> ? Optional.of(Maps.map(t)) : Optional.empty();
  }

  Optional<String> specJobId() {
    return Maps.string(spec, "jobId").filter(s -> !s.isBlank());
  }

  Optional<String> selectedCluster() {
    Object selector = spec.get("clusterSelector");
    return selector instanceof Map<?, ?> m && !m.isEmpty()
        ? Optional.ofNullable((String) m.get("ray.io/cluster")).or(() -> Optional.of(""))
        : Optional.empty();
  }

  boolean shutdownAfterJobFinishes() {
    return Maps.bool(spec, "shutdownAfterJobFinishes");
  }

  int ttlSecondsAfterFinished() {
    return Maps.integer(spec, "ttlSecondsAfterFinished").orElse(0);
  }

  /** {@code spec.suspend}: the RayJob's cluster and submitter are to be released (all releases). */
  boolean suspend() {
    return Maps.bool(spec, "suspend");
  }

  /** {@code spec.backoffLimit} (v1.2.0+): how many failed attempts are retried; absent: none. */
  Optional<Integer> backoffLimit() {
    return Maps.integer(spec, "backoffLimit");
  }

  Optional<Integer> activeDeadlineSeconds() {
    return Maps.integer(spec, "activeDeadlineSeconds");
  }
}
