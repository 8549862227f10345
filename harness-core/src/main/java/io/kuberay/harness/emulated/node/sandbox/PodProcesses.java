package io.kuberay.harness.emulated.node.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.ray.process.ProcessWrapper;
import io.kuberay.harness.ray.process.RayStandby;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one container's processes start: inside its mount namespace when it has one (then in its
 * {@code workingDir} there), directly otherwise. The Ray node, its restarts, its standby and every
 * exec go through the same namespace.
 */
public final class PodProcesses {

  private static final Logger logger = LoggerFactory.getLogger(PodProcesses.class);

  private final PodSandbox sandbox;
  private final Path workingDir;
  private final boolean adoptedStandby;

  private PodProcesses(PodSandbox sandbox, Path workingDir, boolean adoptedStandby) {
    this.sandbox = sandbox;
    this.workingDir = workingDir;
    this.adoptedStandby = adoptedStandby;
  }

  /**
   * Shared standbys start in a mount namespace of their own when the machine has them: any pod can
   * adopt one.
   */
  public static ProcessWrapper standbyWrapper(PodFilesystems files) {
    if (!files.namespaces().available()) {
      return null;
    }
    List<String> prefix = files.namespaces().newNamespace();
    return (command, cwd) -> {
      List<String> wrapped = new ArrayList<>(prefix);
      wrapped.addAll(command);
      return wrapped;
    };
  }

  /**
   * The main container's processes; in the namespace of {@code standby} (a shared one, started by
   * {@link #standbyWrapper}) when there is one, so that the standby can become the pod's node.
   */
  public static PodProcesses forPod(PodFilesystems files, Pod pod, RayStandby standby) {
    Path workingDir = workingDir(PodEnvironment.container(pod, null));
    if (!files.needsSandbox(pod, null)) {
      return new PodProcesses(null, workingDir, false);
    }
    // A mount under a top-level directory the host lacks (an image's /app) puts a new root over
    // the namespace's: processes that join it see that root, but a standby already running there
    // keeps the old one, and so would the pod's node.
    if (standby != null && !files.needsNewRoot(pod, null)) {
      try {
        return new PodProcesses(
            files.sandbox(pod, null, standby.pid()).orElseThrow(), workingDir, true);
      } catch (RuntimeException e) {
        logger.debug(
            "Cannot mount pod {}'s volumes in its standby's namespace; it starts cold",
            ObjectKeys.of(pod),
            e);
      }
    }
    return new PodProcesses(files.sandbox(pod, null, null).orElseThrow(), workingDir, false);
  }

  /**
   * A container's processes for exec: its volumes set up and its namespace made if it has none yet.
   */
  public static PodProcesses forExec(PodFilesystems files, Pod pod, String container) {
    files.setUp(pod);
    Path workingDir = workingDir(PodEnvironment.container(pod, container));
    return new PodProcesses(files.sandbox(pod, container, null).orElse(null), workingDir, false);
  }

  /** The container's environment for an exec; a container the kubelet could not create has none. */
  public static Map<String, String> execEnvironment(
      PodFilesystems files, Pod pod, String container) {
    try {
      return files.environment(pod, container);
    } catch (ContainerEnv.ConfigException e) {
      throw new IllegalStateException(
          "container "
              + (container == null ? "" : container + " ")
              + "of pod "
              + ObjectKeys.of(pod)
              + " is not running: CreateContainerConfigError: "
              + e.getMessage());
    }
  }

  private static Path workingDir(Container c) {
    return c == null || c.getWorkingDir() == null || c.getWorkingDir().isBlank()
        ? null
        : Path.of(c.getWorkingDir());
  }

  /** Whether the namespace is the standby's, which may therefore become the pod's node. */
  public boolean adoptedStandby() {
    return adoptedStandby;
  }

  /** How the node's processes start; null: directly. */
  public ProcessWrapper wrapper() {
    return sandbox == null ? null : (command, cwd) -> sandbox.wrap(command, cwd.toString());
  }

  /** The container's workingDir, or null. */
  public Path workingDir() {
    return sandbox == null && workingDir != null && !workingDir.toFile().isDirectory()
        ? null
        : workingDir;
  }

  /** {@code command} as an exec in the container runs it. */
  public List<String> wrapped(List<String> command) {
    if (sandbox == null) {
      return command;
    }
    Path wd = workingDir != null ? workingDir : Path.of("").toAbsolutePath();
    return sandbox.wrap(command, wd.toString());
  }
}
