package io.kuberay.harness;

import io.kuberay.harness.internal.GroupResources;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One worker group of a {@link RayClusterSpec}. Immutable. */
public record WorkerGroupSpec(
    String name,
    int replicas,
    int minReplicas,
    int maxReplicas,
    String cpu,
    String memory,
    Map<String, String> rayStartParams) {

  public WorkerGroupSpec {
    Objects.requireNonNull(name, "worker group name must not be null");
    rayStartParams = Map.copyOf(new LinkedHashMap<>(rayStartParams));
  }

  /** One replica (min 0, max 5) of 1 CPU and 1G. */
  public static WorkerGroupSpec named(String name) {
    return new WorkerGroupSpec(name, 1, 0, 5, "1", "1G", Map.of());
  }

  public WorkerGroupSpec withReplicas(int value) {
    return new WorkerGroupSpec(name, value, minReplicas, maxReplicas, cpu, memory, rayStartParams);
  }

  public WorkerGroupSpec withMinReplicas(int value) {
    return new WorkerGroupSpec(name, replicas, value, maxReplicas, cpu, memory, rayStartParams);
  }

  public WorkerGroupSpec withMaxReplicas(int value) {
    return new WorkerGroupSpec(name, replicas, minReplicas, value, cpu, memory, rayStartParams);
  }

  public WorkerGroupSpec withCpu(String value) {
    return new WorkerGroupSpec(
        name, replicas, minReplicas, maxReplicas, value, memory, rayStartParams);
  }

  public WorkerGroupSpec withMemory(String value) {
    return new WorkerGroupSpec(
        name, replicas, minReplicas, maxReplicas, cpu, value, rayStartParams);
  }

  public WorkerGroupSpec withRayStartParam(String key, String value) {
    Map<String, String> p = new LinkedHashMap<>(rayStartParams);
    p.put(key, value);
    return new WorkerGroupSpec(name, replicas, minReplicas, maxReplicas, cpu, memory, p);
  }

  Map<String, Object> toMap(String image) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("groupName", name);
    m.put("replicas", replicas);
    m.put("minReplicas", minReplicas);
    m.put("maxReplicas", maxReplicas);
    m.put("rayStartParams", new LinkedHashMap<>(rayStartParams));
    m.put("template", GroupResources.template("ray-worker", image, cpu, memory, Map.of()));
    return m;
  }
}
