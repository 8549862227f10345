package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.emulated.node.sandbox.ContainerEnv;
import io.kuberay.harness.emulated.node.sandbox.MountNamespaces;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.sandbox.PodVolumes;
import io.kuberay.harness.emulated.support.ObjectKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the kubelet does between binding a pod and starting its main container: mount the volumes,
 * then make the container's environment. A volume that cannot be set up (its ConfigMap, Secret or
 * claim missing) is tried again with the kubelet's {@link MountBackOff}, a {@code FailedMount}
 * event per failure; a missing env key is a CreateContainerConfigError, tried again every second
 * (the kubelet's sync retries it too), its event said once per new reason. Neither gives up while
 * the pod exists, as a kubelet does not.
 */
final class ContainerPreparation {

  private static final Logger logger = LoggerFactory.getLogger(ContainerPreparation.class);

  /** Between two tries of anything but a volume mount. */
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final PodFilesystems files;
  private final Pod pod;
  private final PodRuntime.PodLifecycle lifecycle;
  private final Supplier<MountBackOff> newBackOff;

  /** The back-off of each volume that failed, as the kubelet keeps one per volume and pod. */
  private final Map<String, MountBackOff> backOffs = new HashMap<>();

  private String lastProblem;

  private ContainerPreparation(
      PodFilesystems files,
      Pod pod,
      PodRuntime.PodLifecycle lifecycle,
      Supplier<MountBackOff> newBackOff) {
    this.files = files;
    this.pod = pod;
    this.lifecycle = lifecycle;
    this.newBackOff = newBackOff;
  }

  /**
   * The main container's environment once its volumes are mounted and its env sources resolve;
   * empty when the pod must not start (reported to {@code lifecycle}) or was cancelled.
   */
  static Optional<Map<String, String>> prepare(
      PodFilesystems files, Pod pod, PodRuntime.PodLifecycle lifecycle, BooleanSupplier cancelled) {
    return prepare(files, pod, lifecycle, cancelled, MountBackOff::new);
  }

  /** As {@link #prepare(PodFilesystems, Pod, PodRuntime.PodLifecycle, BooleanSupplier)}. */
  static Optional<Map<String, String>> prepare(
      PodFilesystems files,
      Pod pod,
      PodRuntime.PodLifecycle lifecycle,
      BooleanSupplier cancelled,
      Supplier<MountBackOff> newBackOff) {
    ContainerPreparation p = new ContainerPreparation(files, pod, lifecycle, newBackOff);
    while (!cancelled.getAsBoolean()) {
      Object result = p.tryOnce();
      if (result instanceof Map<?, ?>) {
        @SuppressWarnings("unchecked")
        Map<String, String> env = (Map<String, String>) result;
        p.reportSkipped();
        return Optional.of(env);
      }
      if (result instanceof PodFilesystems.MountsUnavailableException) {
        return Optional.empty();
      }
      Duration delay =
          result instanceof PodVolumes.VolumeException e
              ? p.backOffs.computeIfAbsent(e.volume(), v -> p.newBackOff.get()).failed()
              : RETRY;
      if (!MountBackOff.await(delay, cancelled)) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private void reportSkipped() {
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
  }

  /** One try: the env, or the problem that stops the pod now. */
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
      // Every failed try is an event, as the kubelet's operation executor records one per try.
      lastProblem = e.kubeletMessage();
      lifecycle.warning("FailedMount", e.kubeletMessage());
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
