package io.kuberay.harness.emulated.node.runtime;

import java.util.Map;

/**
 * The container ports a Ray pod's {@code ray start} listens on: Ray's defaults unless its flags
 * (KubeRay's rayStartParams) move them.
 */
record RayPodPorts(int gcs, int client, int dashboard, int metrics, int dashboardAgent) {

  static RayPodPorts of(Map<String, String> startParams) {
    return new RayPodPorts(
        port(startParams, "port", 6379),
        port(startParams, "ray-client-server-port", 10001),
        port(startParams, "dashboard-port", 8265),
        port(startParams, "metrics-export-port", 8080),
        port(startParams, "dashboard-agent-listen-port", 52365));
  }

  private static int port(Map<String, String> params, String flag, int fallback) {
    String value = params.get(flag);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim().replace("'", "").replace("\"", ""));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  String describe() {
    return gcs
        + " (GCS), "
        + client
        + " (Ray client), "
        + dashboard
        + " (dashboard, head only), "
        + metrics
        + " (metrics), "
        + dashboardAgent
        + " (dashboard agent)";
  }
}
