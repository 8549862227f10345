package io.kuberay.harness.emulated.operator.rayservice;

import io.kuberay.harness.emulated.support.Maps;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's Serve applications in the RayService's status shape ({@code
 * applicationStatuses}): status, message, {@code serveDeploymentStatuses}, and each one's {@code
 * healthLastUpdateTime}, kept while an application stays unhealthy as KubeRay keeps it.
 */
final class ServeApplicationStatuses {

  private ServeApplicationStatuses() {}

  /**
   * @param details the dashboard's applications by name ({@code GET /api/serve/applications/})
   * @param previous the RayService's {@code applicationStatuses} so far; an application seen for
   *     the first time (one that failed before the operator looked) has none
   */
  static Map<String, Object> of(
      Map<String, Map<String, Object>> details, Map<String, Object> previous) {
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
          boolean stillBad = unhealthy(appStatus) && unhealthy(before.get("status"));
          s.put(
              "healthLastUpdateTime",
              stillBad && before.get("healthLastUpdateTime") != null
                  ? before.get("healthLastUpdateTime")
                  : now);
          Map<String, Object> deployments = new LinkedHashMap<>();
          Maps.map(app.get("deployments"))
              .forEach(
                  (dName, d) -> {
                    Map<String, Object> dm = Maps.map(d);
                    Map<String, Object> ds = new LinkedHashMap<>();
                    ds.put("status", String.valueOf(dm.getOrDefault("status", "")));
                    String dMessage = String.valueOf(dm.getOrDefault("message", ""));
                    if (!dMessage.isEmpty()) {
                      ds.put("message", dMessage);
                    }
                    ds.put("healthLastUpdateTime", now);
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
