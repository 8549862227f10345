package io.kuberay.harness.emulated.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerUser;
import io.fabric8.kubernetes.api.model.LinuxContainerUser;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.VolumeMountStatus;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fields a current kubelet (Kubernetes 1.33+) reports beside phase and conditions: the
 * generation it has seen, each container's resources, mounts and last state, the pod's resources
 * (once it has finished, its memory request only), and the fully qualified image.
 */
final class KubeletStatus {

  private static final BigDecimal KI = BigDecimal.valueOf(1024);
  private static final Pattern RAY_IMAGE = Pattern.compile("docker\\.io/rayproject/ray(-ml)?:.*");

  private KubeletStatus() {}

  /**
   * Fills what the kubelet reports once it has the pod; the caller has set conditions and container
   * statuses.
   */
  static void describe(Pod pod, PodStatus s) {
    long generation =
        pod.getMetadata().getGeneration() == null ? 1L : pod.getMetadata().getGeneration();
    s.setObservedGeneration(generation);
    if (s.getConditions() != null) {
      for (PodCondition c : s.getConditions()) {
        c.setObservedGeneration(generation);
      }
    }
    describe(pod.getSpec().getContainers(), s.getContainerStatuses());
    describe(pod.getSpec().getInitContainers(), s.getInitContainerStatuses());
    ResourceRequirements podResources = podResources(pod.getSpec().getContainers());
    s.setResources(terminal(s) ? finished(podResources) : podResources);
    s.setAllocatedResources(podResources == null ? null : podResources.getRequests());
  }

  /**
   * A finished pod's: the memory request only. Kubernetes 1.36.3 (k3s) showed KubeRay's completed
   * submitter pod so, while its running pods show requests and limits of both: the values the
   * kubelet reads back from the pod's cgroup leave with it.
   */
  private static ResourceRequirements finished(ResourceRequirements podResources) {
    if (podResources == null
        || podResources.getRequests() == null
        || !podResources.getRequests().containsKey("memory")) {
      return null;
    }
    ResourceRequirements kept = new ResourceRequirements();
    kept.setRequests(
        new LinkedHashMap<>(Map.of("memory", podResources.getRequests().get("memory"))));
    return kept;
  }

  private static boolean terminal(PodStatus s) {
    return "Succeeded".equals(s.getPhase()) || "Failed".equals(s.getPhase());
  }

  private static void describe(List<Container> containers, List<ContainerStatus> statuses) {
    if (containers == null || statuses == null) {
      return;
    }
    Map<String, Container> byName = new HashMap<>();
    containers.forEach(c -> byName.put(c.getName(), c));
    for (ContainerStatus cs : statuses) {
      Container c = byName.get(cs.getName());
      if (c == null) {
        continue;
      }
      cs.setImage(qualifiedImage(c.getImage()));
      if (cs.getLastState() == null) {
        cs.setLastState(new ContainerState());
      }
      if (c.getResources() != null
          && (c.getResources().getLimits() != null || c.getResources().getRequests() != null)) {
        cs.setResources(
            new ResourceRequirements(
                null,
                limitsAsCgroupsReport(c.getResources().getLimits()),
                c.getResources().getRequests()));
        cs.setAllocatedResources(c.getResources().getRequests());
      }
      if (RAY_IMAGE.matcher(cs.getImage()).matches()) {
        // The user the image runs as, from its config: Ray's images run as ray (1000) in group
        // users (100).
        cs.setUser(new ContainerUser(new LinuxContainerUser(100L, List.of(100L), 1000L)));
      }
      if (c.getVolumeMounts() != null) {
        cs.setVolumeMounts(
            c.getVolumeMounts().stream()
                .map(
                    m -> {
                      boolean readOnly = Boolean.TRUE.equals(m.getReadOnly());
                      return new VolumeMountStatus(
                          m.getMountPath(),
                          m.getName(),
                          readOnly ? Boolean.TRUE : null,
                          readOnly ? "Disabled" : null,
                          null);
                    })
                .toList());
      }
    }
  }

  /**
   * The kubelet reads memory limits back from cgroups, in bytes: a whole number of KiB is shown in
   * binary units.
   */
  private static Map<String, Quantity> limitsAsCgroupsReport(Map<String, Quantity> limits) {
    if (limits == null) {
      return null;
    }
    Map<String, Quantity> out = new LinkedHashMap<>(limits);
    Quantity memory = limits.get("memory");
    if (memory != null) {
      BigDecimal bytes = memory.getNumericalAmount();
      String[] units = {"Ki", "Mi", "Gi", "Ti"};
      int unit = -1;
      while (unit < units.length - 1 && bytes.remainder(KI).signum() == 0 && bytes.signum() > 0) {
        bytes = bytes.divide(KI);
        unit++;
      }
      if (unit >= 0) {
        out.put("memory", new Quantity(bytes.toPlainString() + units[unit]));
      }
    }
    return out;
  }

  /** Pod-level resources: the sum of the app containers' requests and limits (Kubernetes 1.34+). */
  private static ResourceRequirements podResources(List<Container> containers) {
    Map<String, BigDecimal> limits = new LinkedHashMap<>();
    Map<String, BigDecimal> requests = new LinkedHashMap<>();
    Map<String, String> original = new HashMap<>();
    for (Container c : containers) {
      if (c.getResources() == null) {
        continue;
      }
      add(limits, original, "l:", c.getResources().getLimits());
      add(requests, original, "r:", c.getResources().getRequests());
    }
    if (limits.isEmpty() && requests.isEmpty()) {
      return null;
    }
    return new ResourceRequirements(
        null,
        quantities(limits, original, "l:", containers.size()),
        quantities(requests, original, "r:", containers.size()));
  }

  private static void add(
      Map<String, BigDecimal> sum,
      Map<String, String> original,
      String prefix,
      Map<String, Quantity> amounts) {
    if (amounts != null) {
      amounts.forEach(
          (k, q) -> {
            sum.merge(k, q.getNumericalAmount(), BigDecimal::add);
            original.put(prefix + k, q.toString());
          });
    }
  }

  /**
   * One container: its own notation ("2G" stays "2G"); several: the sum in plain units, fractions
   * in milli-units as Kubernetes writes them (200m + 100m is "300m", not "0.3").
   */
  private static Map<String, Quantity> quantities(
      Map<String, BigDecimal> sum, Map<String, String> original, String prefix, int containers) {
    if (sum.isEmpty()) {
      return null;
    }
    Map<String, Quantity> out = new LinkedHashMap<>();
    sum.forEach(
        (k, v) ->
            out.put(
                k,
                containers == 1
                    ? new Quantity(original.get(prefix + k))
                    : new Quantity(canonical(v))));
    return out;
  }

  /** Kubernetes' decimal form of an amount: "2", "300m", "1500m". */
  static String canonical(BigDecimal amount) {
    BigDecimal whole = amount.stripTrailingZeros();
    if (whole.scale() <= 0) {
      return whole.toPlainString();
    }
    BigDecimal milli = whole.movePointRight(3).stripTrailingZeros();
    return milli.scale() <= 0 ? milli.toPlainString() + "m" : whole.toPlainString();
  }

  /**
   * What the container runtime reports: {@code rayproject/ray:2.52.0} → {@code
   * docker.io/rayproject/ray:2.52.0}.
   */
  static String qualifiedImage(String image) {
    if (image == null) {
      return null;
    }
    String first = image.contains("/") ? image.substring(0, image.indexOf('/')) : "";
    boolean hasRegistry = first.contains(".") || first.contains(":") || first.equals("localhost");
    if (hasRegistry) {
      return image;
    }
    String path = image.contains("/") ? image : "library/" + image;
    String withTag = path.contains(":") || path.contains("@") ? path : path + ":latest";
    return "docker.io/" + withTag;
  }
}
