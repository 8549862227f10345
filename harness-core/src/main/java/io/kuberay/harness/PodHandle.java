package io.kuberay.harness;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.kuberay.harness.backend.ClusterBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A pod of the environment: status, logs, and exec that returns stdout, stderr and the exit code.
 */
public final class PodHandle {

  /** How long an exec may run when no timeout is given. */
  public static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofMinutes(2);

  private final ClusterBackend backend;
  private final String namespace;
  private final String name;

  PodHandle(ClusterBackend backend, String namespace, String name) {
    this.backend = backend;
    this.namespace = Objects.requireNonNull(namespace);
    this.name = Objects.requireNonNull(name);
  }

  public String name() {
    return name;
  }

  public String namespace() {
    return namespace;
  }

  /** The pod as the API server has it now. */
  public Pod get() {
    Pod pod = backend.client().pods().inNamespace(namespace).withName(name).get();
    if (pod == null) {
      throw new IllegalStateException(
          "Pod " + namespace + "/" + name + " does not exist (any more)");
    }
    return pod;
  }

  /** {@code status.phase}: Pending, Running, Succeeded, Failed or Unknown. */
  public String phase() {
    Pod pod = get();
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? "Pending"
        : pod.getStatus().getPhase();
  }

  /** Whether the pod is Running and its Ready condition is True. */
  public boolean isReady() {
    return isRunningAndReady(get());
  }

  static boolean isRunningAndReady(Pod pod) {
    if (pod.getStatus() == null
        || !"Running".equals(pod.getStatus().getPhase())
        || pod.getStatus().getConditions() == null) {
      return false;
    }
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Waits until the pod is Running and Ready. */
  public PodHandle awaitReady(Duration timeout) {
    Waits.until(
        "Pod " + namespace + "/" + name,
        "to be Running and Ready",
        timeout,
        () -> backend.client().pods().inNamespace(namespace).withName(name).get(),
        PodHandle::isRunningAndReady,
        PodHandle::describe,
        null);
    return this;
  }

  /** The log of the pod's first container. */
  public String logs() {
    return backend.logs(get(), null);
  }

  public String logs(String container) {
    return backend.logs(get(), container);
  }

  /**
   * Runs {@code command} (e.g. {@code "python", "-c", "…"}) in the first container with the default
   * timeout.
   */
  public ExecResult exec(String... command) {
    return exec(Arrays.asList(command), DEFAULT_EXEC_TIMEOUT);
  }

  /**
   * Runs a shell command line with {@code bash -c}, as {@code kubectl exec pod -- bash -c "…"}
   * would.
   */
  public ExecResult execShell(String commandLine) {
    return exec(List.of("bash", "-c", commandLine), DEFAULT_EXEC_TIMEOUT);
  }

  public ExecResult exec(List<String> command, Duration timeout) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException(
          "exec needs a command, e.g. exec(\"python\", \"-c\", \"print(1)\")");
    }
    return backend.exec(get(), null, command, timeout);
  }

  /**
   * The pod's phase ({@code Pending} when it has no status yet), conditions with their reasons, and
   * every container (init containers first, those that completed left out) that is not running and
   * ready, with why: {@code ray-head waiting ImagePullBackOff: Back-off pulling image ...}, {@code
   * terminated Error (exit 1)}, {@code 3 restarts}. For failure messages.
   */
  @Internal
  public static String describe(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getPhase() == null) {
      // What the API server defaults a new pod's phase to.
      return "Pending";
    }
    StringBuilder s = new StringBuilder(pod.getStatus().getPhase());
    if (pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        s.append(", ").append(c.getType()).append('=').append(c.getStatus());
        if (c.getReason() != null) {
          s.append(" (")
              .append(c.getReason())
              .append(c.getMessage() == null ? "" : ": " + c.getMessage())
              .append(')');
        }
      }
    }
    List<String> containers = new ArrayList<>();
    if (pod.getStatus().getInitContainerStatuses() != null) {
      pod.getStatus().getInitContainerStatuses().stream()
          .filter(c -> !completed(c) && !(running(c) && ready(c)))
          .map(PodHandle::describe)
          .forEach(containers::add);
    }
    if (pod.getStatus().getContainerStatuses() != null) {
      pod.getStatus().getContainerStatuses().stream()
          .filter(c -> !(running(c) && ready(c)))
          .map(PodHandle::describe)
          .forEach(containers::add);
    }
    if (!containers.isEmpty()) {
      s.append("; containers: ").append(String.join(", ", containers));
    }
    return s.toString();
  }

  private static boolean ready(ContainerStatus c) {
    return Boolean.TRUE.equals(c.getReady());
  }

  private static boolean running(ContainerStatus c) {
    return c.getState() != null && c.getState().getRunning() != null;
  }

  /** An init container that did its job (exit 0): nothing to report. */
  private static boolean completed(ContainerStatus c) {
    return c.getState() != null
        && c.getState().getTerminated() != null
        && Integer.valueOf(0).equals(c.getState().getTerminated().getExitCode());
  }

  private static String describe(ContainerStatus c) {
    ContainerState state = c.getState();
    String what;
    if (state == null) {
      what = "no state";
    } else if (state.getWaiting() != null) {
      what =
          "waiting "
              + state.getWaiting().getReason()
              + (state.getWaiting().getMessage() == null
                  ? ""
                  : ": " + state.getWaiting().getMessage());
    } else if (state.getTerminated() != null) {
      what =
          "terminated "
              + state.getTerminated().getReason()
              + " (exit "
              + state.getTerminated().getExitCode()
              + ")";
    } else {
      what = "running, not ready";
    }
    int restarts = c.getRestartCount() == null ? 0 : c.getRestartCount();
    return c.getName() + " " + what + (restarts > 0 ? ", " + restarts + " restarts" : "");
  }

  @Override
  public String toString() {
    return "Pod " + namespace + "/" + name;
  }
}
