package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.WaitTimeoutException;
import io.kuberay.harness.Waits;
import io.kuberay.harness.emulated.node.sandbox.ContainerEnv;
import io.kuberay.harness.emulated.node.sandbox.MountNamespaces;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.sandbox.PodVolumes;
import io.kuberay.harness.emulated.support.ObjectKeys;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the kubelet does between binding a pod and starting its main container: mount the volumes
 * (retrying while a ConfigMap or Secret is missing, with a FailedMount event per new reason), then
 * make the container's environment (a missing key is a CreateContainerConfigError; retried too, as
 * the kubelet's sync does).
 */
final class ContainerPreparation {

  private static final Logger logger = LoggerFactory.getLogger(ContainerPreparation.class);

  /**
   * How long a pod waits for its volumes and env sources before the emulated kubelet gives up on
   * it.
   */
  private static final Duration WAIT = Duration.ofMinutes(30);

  private static final long RETRY_NANOS = Duration.ofSeconds(1).toNanos();

  private final PodFilesystems files;
  private final Pod pod;
  private final PodRuntime.PodLifecycle lifecycle;
  private String lastProblem;
  private long lastAttempt;
  private Object lastResult;

  private ContainerPreparation(PodFilesystems files, Pod pod, PodRuntime.PodLifecycle lifecycle) {
    this.files = files;
    this.pod = pod;
    this.lifecycle = lifecycle;
  }

  /**
   * The main container's environment once its volumes are mounted and its env sources resolve;
   * empty when the pod must not start (reported to {@code lifecycle}) or was cancelled.
   */
  static Optional<Map<String, String>> prepare(
      PodFilesystems files, Pod pod, PodRuntime.PodLifecycle lifecycle, BooleanSupplier cancelled) {
    ContainerPreparation p = new ContainerPreparation(files, pod, lifecycle);
    try {
      Object result =
          Waits.until(
              "pod " + ObjectKeys.of(pod),
              "its volumes mounted and its environment resolved",
              WAIT,
              p::attempt,
              r -> r instanceof Map<?, ?>,
              r -> String.valueOf(p.lastProblem),
              r ->
                  cancelled.getAsBoolean()
                      || r instanceof PodFilesystems.MountsUnavailableException);
      @SuppressWarnings("unchecked")
      Map<String, String> env = (Map<String, String>) result;
      for (String volume : files.skipped(pod)) {
        lifecycle.warning(
            "FailedMount",
            "volume \""
                + volume
                + "\" is not mounted: "
                + MountNamespaces.VOLUMES_PROPERTY
                + "=skip runs pods without their volumes on this machine");
      }
      for (String directory : files.skippedImageDirectories(pod)) {
        lifecycle.warning(
            "FailedMount",
            directory
                + " is not mounted: "
                + MountNamespaces.VOLUMES_PROPERTY
                + "=skip runs pods without what this machine cannot mount");
      }
      return Optional.of(env);
    } catch (WaitTimeoutException e) {
      return Optional.empty();
    }
  }

  /** One try, at most once a second: the env, or the problem that stops the pod now. */
  private Object attempt() {
    long now = System.nanoTime();
    if (lastResult != null && now - lastAttempt < RETRY_NANOS) {
      return lastResult;
    }
    lastAttempt = now;
    lastResult = tryOnce();
    return lastResult;
  }

  private Object tryOnce() {
    try {
      return prepareOnce();
    } catch (RuntimeException e) {
      // Anything else (a value the node cannot read): said on the pod and retried, where the
      // wait used to swallow it and leave the pod in PodInitializing for 30 minutes without a
      // word.
      String problem =
          "the emulated kubelet cannot prepare the pod's containers: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage();
      logger.warn("Pod {}: {}", ObjectKeys.of(pod), problem, e);
      report(problem, () -> lifecycle.warning("Failed", problem));
      return e;
    }
  }

  private Object prepareOnce() {
    try {
      files.setUp(pod);
    } catch (PodFilesystems.MountsUnavailableException e) {
      report(e.getMessage(), () -> lifecycle.mountsUnavailable(e.getMessage()));
      return e;
    } catch (PodVolumes.VolumeException e) {
      report(e.kubeletMessage(), () -> lifecycle.warning("FailedMount", e.kubeletMessage()));
      return e;
    }
    try {
      return files.environment(pod, null);
    } catch (ContainerEnv.ConfigException e) {
      report(e.getMessage(), () -> lifecycle.configError(e.getMessage()));
      return e;
    }
  }

  private void report(String problem, Runnable action) {
    if (!problem.equals(lastProblem)) {
      lastProblem = problem;
      action.run();
    }
  }
}
