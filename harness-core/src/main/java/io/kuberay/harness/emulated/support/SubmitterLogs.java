package io.kuberay.harness.emulated.support;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an emulated RayJob submitter container printed: the container the emulated operator runs the
 * submitter's part of in-process (K8sJobMode's submitter pod, SidecarMode's {@code
 * ray-job-submitter} container in the head pod, the light-weight {@code /submitter}), so that
 * {@code kubectl logs} shows what that container's command prints. Keyed by the pod's namespace and
 * name and the container's name; a pod's entries live from the node's start of the pod to its stop.
 */
public final class SubmitterLogs {

  /** At most this much is kept per container, the end of it, as a kubelet rotates a log. */
  private static final int LIMIT = 1 << 20;

  private static final Map<String, Map<String, StringBuilder>> LOGS = new ConcurrentHashMap<>();

  private SubmitterLogs() {}

  /** The node runs the pod: its containers' logs may be written from now until it stops it. */
  public static void open(String pod) {
    LOGS.putIfAbsent(pod, new ConcurrentHashMap<>());
  }

  public static void append(String pod, String container, String chunk) {
    if (pod == null || container == null || chunk == null) {
      return;
    }
    // A pod the node does not run (any more) keeps no log: a submitter still printing after its pod
    // was deleted (its cluster went) would otherwise bring the entry back for good.
    Map<String, StringBuilder> containers = LOGS.get(pod);
    if (containers == null) {
      return;
    }
    StringBuilder log = containers.computeIfAbsent(container, k -> new StringBuilder());
    synchronized (log) {
      log.append(chunk);
      if (log.length() > LIMIT) {
        log.delete(0, log.length() - LIMIT);
      }
    }
  }

  /** The container's log so far; empty when the emulator writes none for it. */
  public static Optional<String> of(String pod, String container) {
    Map<String, StringBuilder> containers = pod == null ? null : LOGS.get(pod);
    StringBuilder log = containers == null || container == null ? null : containers.get(container);
    if (log == null) {
      return Optional.empty();
    }
    synchronized (log) {
      return Optional.of(log.toString());
    }
  }

  public static void remove(String pod) {
    if (pod != null) {
      LOGS.remove(pod);
    }
  }
}
