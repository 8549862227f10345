package io.kuberay.harness.emulated.operator.rayservice;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's Serve applications in the RayService's status shape ({@code
 * applicationStatuses}): status, message and {@code serveDeploymentStatuses}. Up to v1.2 KubeRay
 * also writes each one's {@code healthLastUpdateTime} (v1.1.0 {@code getAndCheckServeStatus}), kept
 * while an application or deployment stays unhealthy; v1.3.0 dropped the field from {@code
 * AppStatus} and {@code ServeDeploymentStatus}, so v1.5.0 and v1.7.0 write none.
 */
final class ServeApplicationStatuses {

  private ServeApplicationStatuses() {}

  /**
   * @param details the dashboard's applications by name ({@code GET /api/serve/applications/})
   * @param previous the RayService's {@code applicationStatuses} so far; an application seen for
   *     the first time (one that failed before the operator looked) has none
   */
  static Map<String, Object> of(
      KubeRayVersion version,
      Map<String, Map<String, Object>> details,
      Map<String, Object> previous) {
    boolean healthTimes = !version.isAtLeast(KubeRayVersion.V1_5_0);
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Map<String, Object> apps = new LinkedHashMap<>();
    details.forEach(
        (name, app) -> {
          Map<String, Object> s = new LinkedHashMap<>();
          String appStatus = String.valueOf(app.getOrDefault("status", ""));
          s.put("status", appStatus);
          String message = String.valueOf(app.getOrDefault("message", ""));
          if (!message.isEmpty()) {
            s.put("message", message);
          }
          Map<String, Object> before = Maps.map(previous.get(name.isEmpty() ? "default" : name));
          if (healthTimes) {
            // An application kept bad keeps its time, when it has one.
            Object since = before.get("healthLastUpdateTime");
            boolean stillBad = unhealthy(appStatus) && unhealthy(before.get("status"));
            s.put("healthLastUpdateTime", stillBad && since != null ? since : now);
          }
          Map<String, Object> beforeDeployments = Maps.map(before.get("serveDeploymentStatuses"));
          Map<String, Object> deployments = new LinkedHashMap<>();
          Maps.map(app.get("deployments"))
              .forEach(
                  (dName, d) -> {
                    Map<String, Object> dm = Maps.map(d);
                    Map<String, Object> ds = new LinkedHashMap<>();
                    String dStatus = String.valueOf(dm.getOrDefault("status", ""));
                    ds.put("status", dStatus);
                    String dMessage = String.valueOf(dm.getOrDefault("message", ""));
                    if (!dMessage.isEmpty()) {
                      ds.put("message", dMessage);
                    }
                    Map<String, Object> was = Maps.map(beforeDeployments.get(dName));
                    if (healthTimes
                        && "UNHEALTHY".equals(dStatus)
                        && "UNHEALTHY".equals(was.get("status"))) {
                      // A deployment kept UNHEALTHY keeps its time (copied even when absent).
                      if (was.get("healthLastUpdateTime") != null) {
                        ds.put("healthLastUpdateTime", was.get("healthLastUpdateTime"));
                      }
                    } else if (healthTimes) {
                      ds.put("healthLastUpdateTime", now);
                    }
                    deployments.put(dName, ds);
                  });
          if (!deployments.isEmpty()) {
            s.put("serveDeploymentStatuses", deployments);
          }
          apps.put(name.isEmpty() ? "default" : name, s);
        });
    return apps;
  }

  // Null-safe on purpose: List.of(...).contains(null) throws, and an application the operator
  // sees for the first time has no previous status (a reconcile that threw on it never recovered).
  private static boolean unhealthy(Object status) {
    return "UNHEALTHY".equals(status) || "DEPLOY_FAILED".equals(status);
  }
}
