package io.kuberay.harness.rayservice;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A RayService's {@code status} as the operator wrote it: {@code serviceStatus} (v1.1.0:
 * WaitForServeDeploymentReady, Restarting, Running, FailedTo...; v1.5.0+: Running, or absent
 * (KubeRay's NotRunning is the empty string) read as ""), the {@code Ready} condition (v1.5.0+),
 * the active and pending clusters with their applications, and {@code numServeEndpoints}.
 *
 * @param raw the status object as stored
 */
public record RayServiceStatus(Map<String, Object> raw) {

  public RayServiceStatus {
    raw = raw == null ? Map.of() : raw;
  }

  public String serviceStatus() {
    return string(raw.get("serviceStatus"));
  }

  /**
   * Running as the release reports it: {@code serviceStatus: Running} (v1.5.0+: the Ready
   * condition, the same thing).
   */
  public boolean isRunning() {
    return "Running".equals(serviceStatus());
  }

  public int numServeEndpoints() {
    return raw.get("numServeEndpoints") instanceof Number n ? n.intValue() : 0;
  }

  public String activeClusterName() {
    return string(section("activeServiceStatus").get("rayClusterName"));
  }

  public String pendingClusterName() {
    return string(section("pendingServiceStatus").get("rayClusterName"));
  }

  /**
   * Application name → status (RUNNING, DEPLOYING, DEPLOY_FAILED, UNHEALTHY, ...) of the active
   * cluster.
   */
  public Map<String, String> activeApplications() {
    return applications("activeServiceStatus");
  }

  /**
   * Application name → status of the pending cluster (the first cluster is pending until its apps
   * run).
   */
  public Map<String, String> pendingApplications() {
    return applications("pendingServiceStatus");
  }

  /**
   * The first application, of either cluster, that failed (DEPLOY_FAILED or UNHEALTHY): "name:
   * STATUS: message".
   */
  public Optional<String> failedApplication() {
    for (String section : List.of("pendingServiceStatus", "activeServiceStatus")) {
      for (Map.Entry<String, Object> e :
          map(section(section).get("applicationStatuses")).entrySet()) {
        Map<String, Object> app = map(e.getValue());
        String status = string(app.get("status"));
        if ("DEPLOY_FAILED".equals(status) || "UNHEALTHY".equals(status)) {
          return Optional.of(e.getKey() + ": " + status + ": " + string(app.get("message")));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A condition's {@code status} (True/False/Unknown), empty when the release or the moment has
   * none.
   */
  public Optional<String> condition(String type) {
    if (raw.get("conditions") instanceof List<?> list) {
      for (Object c : list) {
        Map<String, Object> m = map(c);
        if (type.equals(m.get("type"))) {
          return Optional.of(string(m.get("status")));
        }
      }
    }
    return Optional.empty();
  }

  private Map<String, String> applications(String section) {
    Map<String, String> out = new LinkedHashMap<>();
    map(section(section).get("applicationStatuses"))
        .forEach((k, v) -> out.put(k, string(map(v).get("status"))));
    return out;
  }

  private Map<String, Object> section(String name) {
    return map(raw.get(name));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String string(Object o) {
    return o == null ? "" : o.toString();
  }

  @Override
  public String toString() {
    return "serviceStatus="
        + serviceStatus()
        + ", active="
        + activeClusterName()
        + " "
        + activeApplications()
        + ", pending="
        + pendingClusterName()
        + " "
        + pendingApplications()
        + ", numServeEndpoints="
        + numServeEndpoints();
  }
}
