package io.kuberay.harness.emulated.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * How an emulated submitter container ended (K8sJobMode's submitter pod, SidecarMode's {@code
 * ray-job-submitter} container in the head pod): the emulated operator plays that container's
 * command in-process and says here when it is done; the node, which runs the pod without a process,
 * hears it and ends the container as a kubelet would (the pod's status is the node's to write).
 * Keyed by the pod's namespace and name, as {@link SubmitterLogs}.
 */
public final class SubmitterExits {

  private static final Map<String, IntConsumer> LISTENERS = new ConcurrentHashMap<>();

  /** SidecarMode: the head pods whose {@code ray-job-submitter} container the node runs. */
  private static final Map<String, IntConsumer> SIDECARS = new ConcurrentHashMap<>();

  private SubmitterExits() {}

  /** The node runs the pod: {@code onExit} gets the exit code of its submitter container, once. */
  public static void listen(String pod, IntConsumer onExit) {
    LISTENERS.put(pod, onExit);
  }

  /**
   * The submitter's command in the pod ended with {@code exitCode}; nobody hears it once the node
   * has stopped the pod.
   */
  public static void exited(String pod, int exitCode) {
    IntConsumer listener = LISTENERS.remove(pod);
    if (listener != null) {
      listener.accept(exitCode);
    }
  }

  /**
   * The node runs a head pod with SidecarMode's submitter container: {@code onExit} gets that
   * container's exit code, once; the pod's other containers run on.
   */
  public static void listenSidecar(String pod, IntConsumer onExit) {
    SIDECARS.put(pod, onExit);
  }

  /**
   * SidecarMode's submitter command in the head pod ended with {@code exitCode}; nobody hears it
   * once the node has stopped the pod.
   */
  public static void sidecarExited(String pod, int exitCode) {
    IntConsumer listener = SIDECARS.remove(pod);
    if (listener != null) {
      listener.accept(exitCode);
    }
  }

  /** The node stopped the pod. */
  public static void forget(String pod) {
    LISTENERS.remove(pod);
    SIDECARS.remove(pod);
  }
}
