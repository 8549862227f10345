package io.kuberay.harness.emulated.operator.rayservice;

import io.kuberay.harness.emulated.support.Maps;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Go's encoding/json writes for the RayService status's struct fields however empty they are:
 * {@code omitempty} omits no struct. {@code activeServiceStatus} and {@code pendingServiceStatus}
 * are {@code RayServiceStatus} values, so both are always written, each with its {@code
 * rayClusterStatus} (a {@code RayClusterStatus} value) whose four {@code resource.Quantity} fields
 * marshal as {@code "0"} and whose {@code head} ({@code HeadInfo}) as {@code {}}; every other field
 * is a string, number, pointer, map or slice and omitted when zero (apis/ray/v1
 * rayservice_types.go, raycluster_types.go; the same in v1.1.0, v1.5.0 and v1.7.0).
 */
final class ZeroStatus {

  private ZeroStatus() {}

  /** Adds the zero values the status lacks; what it has stays. */
  static void fill(Map<String, Object> status) {
    status.put("activeServiceStatus", serviceStatus(status.get("activeServiceStatus")));
    status.put("pendingServiceStatus", serviceStatus(status.get("pendingServiceStatus")));
  }

  private static Map<String, Object> serviceStatus(Object value) {
    Map<String, Object> service = new LinkedHashMap<>(Maps.map(value));
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("desiredCPU", "0");
    cluster.put("desiredMemory", "0");
    cluster.put("desiredGPU", "0");
    cluster.put("desiredTPU", "0");
    cluster.put("head", new LinkedHashMap<>());
    cluster.putAll(Maps.map(service.get("rayClusterStatus")));
    service.put("rayClusterStatus", cluster);
    return service;
  }
}
