package io.kuberay.harness.emulated.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an emulated RayJob submitter pod printed: the Ray job's logs, which the emulated submitter
 * follows as the real one's {@code ray job logs --follow} does, so that {@code kubectl logs
 * job/<rayjob>} shows the job's output. Keyed by the pod's namespace and generated name; an entry
 * goes when the node stops the pod.
 */
public final class SubmitterLogs {

  /** At most this much is kept per pod, the end of it, as a kubelet rotates a container's log. */
  private static final int LIMIT = 1 << 20;

  private static final Map<String, StringBuilder> LOGS = new ConcurrentHashMap<>();

  private SubmitterLogs() {}

  public static void append(String pod, String chunk) {
    if (pod == null || chunk == null) {
      return;
    }
    StringBuilder log = LOGS.computeIfAbsent(pod, k -> new StringBuilder());
    synchronized (log) {
      log.append(chunk);
      if (log.length() > LIMIT) {
        log.delete(0, log.length() - LIMIT);
      }
    }
  }

  /** The pod's log so far; empty for a pod that is no submitter. */
  public static String of(String pod) {
    StringBuilder log = pod == null ? null : LOGS.get(pod);
    if (log == null) {
      return "";
    }
    synchronized (log) {
      return log.toString();
    }
  }

  public static void remove(String pod) {
    if (pod != null) {
      LOGS.remove(pod);
    }
  }
}
