package io.kuberay.harness.emulated.node.sandbox;

import io.kuberay.harness.ray.process.LocalExec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Whether this machine can give a pod a private mount namespace (util-linux's {@code unshare} and
 * {@code nsenter}), and how: as root (or with CAP_SYS_ADMIN) a mount namespace alone; otherwise
 * inside an unprivileged user namespace, where the pod's processes run as a mapped root. Probed
 * once per JVM.
 */
public final class MountNamespaces {

  /**
   * How to run pods' volumes: {@code auto} (default) mounts them, or fails a pod whose volumes
   * cannot be mounted.
   */
  public static final String VOLUMES_PROPERTY = "kuberay.pods.volumes";

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  private static volatile MountNamespaces probed;

  private final boolean available;
  private final boolean userNamespace;
  private final String reason;

  private MountNamespaces(boolean available, boolean userNamespace, String reason) {
    this.available = available;
    this.userNamespace = userNamespace;
    this.reason = reason;
  }

  public static MountNamespaces probe() {
    MountNamespaces m = probed;
    if (m == null) {
      m = detect();
      probed = m;
    }
    return m;
  }

  /** For tests: a machine without the mechanism. */
  public static MountNamespaces unavailable(String reason) {
    return new MountNamespaces(false, false, reason);
  }

  /** For tests: force the unprivileged variant. */
  static MountNamespaces userNamespace() {
    return new MountNamespaces(true, true, null);
  }

  private static MountNamespaces detect() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return unavailable(
          "mount namespaces exist only on Linux (this is " + System.getProperty("os.name") + ")");
    }
    if (works(List.of("unshare", "-m", "--propagation", "private", "true"))) {
      return new MountNamespaces(true, false, null);
    }
    if (works(List.of("unshare", "-U", "-r", "-m", "--propagation", "private", "true"))) {
      return new MountNamespaces(true, true, null);
    }
    return unavailable(
        "'unshare -m' failed here, as root and in a user namespace (util-linux missing, or user"
            + " namespaces disabled: sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces)");
  }

  private static boolean works(List<String> command) {
    try {
      return LocalExec.of(command).withTimeout(PROBE_TIMEOUT).run().exitCode() == 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  boolean available() {
    return available;
  }

  Optional<String> unavailableReason() {
    return Optional.ofNullable(reason);
  }

  /** The prefix that starts a process in a new, private mount namespace. */
  List<String> newNamespace() {
    return userNamespace
        ? List.of("unshare", "-U", "-r", "-m", "--propagation", "private", "--")
        : List.of("unshare", "-m", "--propagation", "private", "--");
  }

  /**
   * The prefix that runs a process in the mount namespace of {@code pid}, in {@code workingDir}
   * there (nsenter's own {@code --wd} would look the directory up on the host, before it enters the
   * namespace).
   */
  List<String> enter(long pid, String workingDir) {
    String target = Long.toString(pid);
    return userNamespace
        ? List.of("nsenter", "-t", target, "-U", "-m", "--", "env", "-C", workingDir)
        : List.of("nsenter", "-t", target, "-m", "--", "env", "-C", workingDir);
  }
}
