package io.kuberay.harness;

import io.kuberay.harness.internal.GroupResources;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The head group of a {@link RayClusterSpec}: resources, rayStartParams, service type. Immutable.
 */
public record HeadGroupSpec(
    String cpu,
    String memory,
    Map<String, String> rayStartParams,
    String serviceType,
    String serviceName) {

  public HeadGroupSpec {
    rayStartParams = Map.copyOf(new LinkedHashMap<>(rayStartParams));
  }

  static HeadGroupSpec defaults() {
    return new HeadGroupSpec("1", "2G", Map.of(), "ClusterIP", null);
  }

  public HeadGroupSpec withCpu(String value) {
    return new HeadGroupSpec(value, memory, rayStartParams, serviceType, serviceName);
  }

  public HeadGroupSpec withMemory(String value) {
    return new HeadGroupSpec(cpu, value, rayStartParams, serviceType, serviceName);
  }

  public HeadGroupSpec withRayStartParam(String key, String value) {
    Map<String, String> p = new LinkedHashMap<>(rayStartParams);
    p.put(key, value);
    return new HeadGroupSpec(cpu, memory, p, serviceType, serviceName);
  }

  public HeadGroupSpec withServiceType(String value) {
    return new HeadGroupSpec(cpu, memory, rayStartParams, value, serviceName);
  }

  /**
   * A head service name other than {@code <cluster>-head-svc} ({@code
   * headGroupSpec.headService.metadata.name}).
   */
  public HeadGroupSpec withServiceName(String value) {
    return new HeadGroupSpec(cpu, memory, rayStartParams, serviceType, value);
  }

  Map<String, Object> toMap(String image) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("serviceType", serviceType);
    if (serviceName != null) {
      m.put("headService", Map.of("metadata", Map.of("name", serviceName)));
    }
    m.put("rayStartParams", new LinkedHashMap<>(rayStartParams));
    m.put("template", GroupResources.template("ray-head", image, cpu, memory, Map.of()));
    return m;
  }
}
