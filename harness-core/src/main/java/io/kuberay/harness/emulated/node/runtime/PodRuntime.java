package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.backend.PodChannels;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What runs a scheduled pod's containers on the emulated node: processes, or nothing at all. */
public interface PodRuntime extends PodChannels, AutoCloseable {

  /**
   * Starts the pod's containers and reports their progress to {@code lifecycle}; returns at once.
   */
  void start(Pod pod, PodLifecycle lifecycle);

  /** Stops whatever runs for the pod; bounded, idempotent. */
  void stop(String namespace, String name);

  /**
   * Starts a command in a container of the pod with its standard streams attached, as {@code
   * kubectl exec} runs it: no timeout, it dies with the pod. An exception with a readable message
   * when it cannot start.
   */
  ExecProcess start(Pod pod, String container, List<String> command, boolean tty);

  /** Where the JVM reaches the pod's container port, if anything listens for it. */
  Optional<URI> address(Pod pod, int containerPort);

  /**
   * A head pod's Ray dashboard, wherever its {@code dashboard-port} put it (what the operator's
   * dashboard client reaches through the head service's {@code dashboard} port).
   */
  default Optional<URI> rayDashboard(Pod pod) {
    return address(pod, 8265);
  }

  @Override
  default URI reach(Pod pod, int containerPort) {
    return address(pod, containerPort)
        .orElseThrow(() -> new IllegalStateException(nothingListens(pod, containerPort, "")));
  }

  /**
   * What a kubelet's port-forward reports when nothing listens on the port (connection refused),
   * naming the pod and port, followed by {@code why}.
   */
  static String nothingListens(Pod pod, int containerPort, String why) {
    return "connect: connection refused: nothing listens on port "
        + containerPort
        + " of pod "
        + pod.getMetadata().getNamespace()
        + "/"
        + pod.getMetadata().getName()
        + " in the emulated cluster"
        + (why.isEmpty() ? "" : ": " + why);
  }

  /**
   * Every process of every pod this runtime runs dies at once (SIGKILL), as on a node reboot; the
   * runtime then restarts the containers per restartPolicy as after any crash. Returns how many
   * processes were killed; 0 for a runtime without processes.
   */
  default int killAll() {
    return 0;
  }

  /**
   * The environment is about to close: restart nothing from now on and end the processes at once
   * rather than gracefully; {@link #stop} and {@link #close} follow. Nothing to do by default.
   */
  default void halt() {}

  @Override
  void close();

  /** Callbacks from the runtime to the emulated kubelet, which turns them into pod status. */
  interface PodLifecycle {
    void initContainersDone();

    void containersStarted();

    void readiness(boolean ready);

    /** The main container exited; the kubelet restarts it per restartPolicy. */
    void exited(int exitCode, String reason);

    /**
     * The pod's containers ended for good (restartPolicy Never, or OnFailure after a success): the
     * pod is Succeeded when {@code exitCode} is 0, else Failed.
     */
    default void terminated(int exitCode, String reason) {
      exited(exitCode, reason);
    }

    void restarted(int restartCount);

    /**
     * A container that runs beside the main one (the head's autoscaler) exited: from now on its
     * status is its own, and the callbacks of the main container leave it alone.
     *
     * @param backOff when it restarts, the kubelet's back-off before it does; null when it does not
     */
    void sidecarExited(String container, int exitCode, Duration backOff);

    /** That container runs (again) after {@code restartCount} restarts. */
    void sidecarRunning(String container, int restartCount);

    /**
     * A Normal event on the pod from the kubelet (e.g. Pulling while a Ray version is provisioned).
     */
    void normal(String reason, String message);

    /**
     * What the pod's image holds cannot be had (e.g. a Ray version that cannot be installed): the
     * containers wait with {@code reason} and {@code message}, the pod does not start.
     */
    void imageUnavailable(String reason, String message);

    /**
     * A Warning event on the pod from the kubelet (e.g. FailedMount while a ConfigMap is missing).
     */
    void warning(String reason, String message);

    /** The container cannot be created: CreateContainerConfigError with the kubelet's message. */
    void configError(String message);

    /** The pod's volumes cannot be mounted on this machine at all; the pod does not start. */
    void mountsUnavailable(String message);
  }
}
