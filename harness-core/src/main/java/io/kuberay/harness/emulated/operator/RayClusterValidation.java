package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the operator checks before reconciling a RayCluster (v1.5.0's {@code ValidateRayClusterMetadata} and
 * {@code ValidateRayClusterSpec}, and v1.1.0's crash on a template without containers). A violation becomes
 * a Warning event; the cluster gets no pods.
 */
final class RayClusterValidation {

  static final int MAX_NAME_LENGTH = 53;
  private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Set<String> RESOURCE_PARAMS = Set.of("num-cpus", "num-gpus", "memory", "resources");

  private RayClusterValidation() {}

  /** {@code [reason, message]} of the Warning event, or empty when the operator accepts the cluster. */
  static Optional<String[]> check(OperatorFlavor flavor, RayClusterView cluster) {
    String id = cluster.namespace() + "/" + cluster.name();
    if (flavor.validatesClusters()) {
      if (cluster.name().length() > MAX_NAME_LENGTH) {
        return metadata(id, "RayCluster name should be no more than " + MAX_NAME_LENGTH + " characters");
      }
      if (!DNS_1035.matcher(cluster.name()).matches()) {
        return metadata(id, "RayCluster name should be a valid DNS1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]");
      }
    }
    if (empty(cluster.headTemplate())) {
      return spec(flavor, id, "headGroupSpec should have at least one container");
    }
    for (RayClusterView.WorkerGroup g : cluster.workerGroups()) {
      if (empty(g.template())) {
        return spec(flavor, id, "workerGroupSpec should have at least one container");
      }
    }
    if (flavor.validatesClusters()) {
      Optional<String[]> both = resourcesTwice(id, "Head", cluster.headStartParams(), cluster.headTemplate());
      if (both.isPresent()) {
        return both;
      }
      for (RayClusterView.WorkerGroup g : cluster.workerGroups()) {
        both = resourcesTwice(id, g.name(), g.rayStartParams(), g.template());
        if (both.isPresent()) {
          return both;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String[]> resourcesTwice(String id, String group, Map<String, String> params, PodTemplateSpec template) {
    Container ray = template.getSpec().getContainers().get(0);
    boolean hasResources = ray.getResources() != null
        && ((ray.getResources().getLimits() != null && !ray.getResources().getLimits().isEmpty())
            || (ray.getResources().getRequests() != null && !ray.getResources().getRequests().isEmpty()));
    if (hasResources && params.keySet().stream().anyMatch(RESOURCE_PARAMS::contains)) {
      return Optional.of(new String[] {"InvalidRayClusterSpec", "The RayCluster spec is invalid " + id
          + ": resource fields should not be set in both rayStartParams and Resources for " + group + " group; please use only one"});
    }
    return Optional.empty();
  }

  private static boolean empty(PodTemplateSpec template) {
    List<Container> containers = template.getSpec() == null ? null : template.getSpec().getContainers();
    return containers == null || containers.isEmpty();
  }

  private static Optional<String[]> metadata(String id, String why) {
    return Optional.of(new String[] {"InvalidRayClusterMetadata", "The RayCluster metadata is invalid " + id + ": " + why});
  }

  private static Optional<String[]> spec(OperatorFlavor flavor, String id, String why) {
    if (!flavor.validatesClusters()) {
      // v1.1.0 has no validation; its reconcile fails on the missing container and retries.
      return Optional.of(new String[] {"PodReconciliationError", "RayCluster " + id + ": " + why});
    }
    return Optional.of(new String[] {"InvalidRayClusterSpec", "The RayCluster spec is invalid " + id + ": " + why});
  }
}
