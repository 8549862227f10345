package io.kuberay.harness.emulated;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The defaults the API server fills into pods and services on create, so objects read back as on a real cluster. */
final class Admission {

  private Admission() {}

  static void defaultPod(Map<String, Object> pod) {
    Map<String, Object> spec = Maps.map(pod.get("spec"));
    pod.put("spec", spec);
    spec.putIfAbsent("restartPolicy", "Always");
    spec.putIfAbsent("dnsPolicy", "ClusterFirst");
    spec.putIfAbsent("schedulerName", "default-scheduler");
    spec.putIfAbsent("terminationGracePeriodSeconds", 30);
    spec.putIfAbsent("serviceAccountName", "default");
    spec.putIfAbsent("serviceAccount", spec.get("serviceAccountName"));
    spec.putIfAbsent("enableServiceLinks", true);
    spec.putIfAbsent("priority", 0);
    spec.putIfAbsent("securityContext", new java.util.LinkedHashMap<>());
    for (String key : List.of("containers", "initContainers")) {
      for (Object c : Maps.list(spec.get(key))) {
        Map<String, Object> container = Maps.map(c);
        container.putIfAbsent("terminationMessagePath", "/dev/termination-log");
        container.putIfAbsent("terminationMessagePolicy", "File");
        String image = String.valueOf(container.getOrDefault("image", ""));
        String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "latest";
        container.putIfAbsent("imagePullPolicy", "latest".equals(tag) ? "Always" : "IfNotPresent");
      }
    }
    Map<String, Object> status = Maps.map(pod.get("status"));
    status.putIfAbsent("phase", "Pending");
    pod.put("status", status);
  }

  static void defaultService(Map<String, Object> service, Supplier<String> clusterIps) {
    Map<String, Object> spec = Maps.map(service.get("spec"));
    service.put("spec", spec);
    spec.putIfAbsent("type", "ClusterIP");
    spec.putIfAbsent("sessionAffinity", "None");
    if (!"ExternalName".equals(spec.get("type")) && spec.get("clusterIP") == null) {
      spec.put("clusterIP", clusterIps.get());
    }
    if (spec.get("clusterIP") != null) {
      spec.putIfAbsent("clusterIPs", new ArrayList<>(List.of(spec.get("clusterIP"))));
    }
    spec.putIfAbsent("ipFamilies", new ArrayList<>(List.of("IPv4")));
    spec.putIfAbsent("ipFamilyPolicy", "SingleStack");
    spec.putIfAbsent("internalTrafficPolicy", "Cluster");
    for (Object p : Maps.list(spec.get("ports"))) {
      Map<String, Object> port = Maps.map(p);
      port.putIfAbsent("protocol", "TCP");
      port.putIfAbsent("targetPort", port.get("port"));
    }
  }
}
