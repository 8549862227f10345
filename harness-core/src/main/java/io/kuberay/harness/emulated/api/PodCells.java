package io.kuberay.harness.emulated.api;

import io.kuberay.harness.emulated.support.Maps;
import java.util.List;
import java.util.Map;

/**
 * The READY, STATUS and RESTARTS cells of {@code kubectl get pods}, derived as kubectl's printer
 * does.
 */
final class PodCells {

  private PodCells() {}

  static String ready(Map<String, Object> pod) {
    List<Object> statuses = Maps.list(Maps.get(pod, "status", "containerStatuses"));
    int total = Maps.list(Maps.get(pod, "spec", "containers")).size();
    long ready = statuses.stream().filter(s -> Maps.bool(Maps.map(s), "ready")).count();
    return ready + "/" + total;
  }

  static String restarts(Map<String, Object> pod) {
    int restarts = 0;
    for (Object s : Maps.list(Maps.get(pod, "status", "containerStatuses"))) {
      restarts += Maps.integer(Maps.map(s), "restartCount").orElse(0);
    }
    return Integer.toString(restarts);
  }

  static String status(Map<String, Object> pod) {
    if (Maps.get(pod, "metadata", "deletionTimestamp") != null) {
      return "Terminating";
    }
    String reason = Maps.string(pod, "status", "phase").orElse("Pending");
    List<Object> init = Maps.list(Maps.get(pod, "status", "initContainerStatuses"));
    int initDone = 0;
    for (Object o : init) {
      Map<String, Object> s = Maps.map(o);
      if (Maps.get(s, "state", "terminated") != null
          && Maps.integer(s, "state", "terminated", "exitCode").orElse(0) == 0) {
        initDone++;
      }
    }
    if (!init.isEmpty() && initDone < init.size()) {
      return "Init:" + initDone + "/" + init.size();
    }
    for (Object o : Maps.list(Maps.get(pod, "status", "containerStatuses"))) {
      Map<String, Object> s = Maps.map(o);
      Object waiting = Maps.get(s, "state", "waiting", "reason");
      if (waiting != null) {
        reason = String.valueOf(waiting);
      }
      Object terminated = Maps.get(s, "state", "terminated", "reason");
      if (terminated != null) {
        reason = String.valueOf(terminated);
      }
    }
    return reason;
  }
}
