package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.sandbox.PodProcesses;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.SubmitterExits;
import io.kuberay.harness.emulated.support.SubmitterLogs;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs no processes: containers are reported started and ready at once. Used when Ray is off or
 * unavailable, and for pods that are not Ray nodes (the operator's own pod, a RayJob's submitter:
 * its containers end when the emulated operator says its submitter has, see {@link
 * SubmitterExits}). Exec still runs the command locally with the pod's environment, volumes and
 * workingDir (see {@link PodFilesystems}), collected or streamed ({@link PodExecs}).
 */
public final class SimulatedPodRuntime implements PodRuntime {

  private final PodFilesystems files;
  private final PodExecs execs = new PodExecs();

  public SimulatedPodRuntime(PodFilesystems files) {
    this.files = files;
  }

  @Override
  public void start(Pod pod, PodLifecycle lifecycle) {
    // Before the containers are seen started: the emulated submitter waits for that.
    SubmitterExits.listen(
        ObjectKeys.of(pod),
        exitCode -> lifecycle.terminated(exitCode, exitCode == 0 ? "Completed" : "Error"));
    lifecycle.initContainersDone();
    lifecycle.containersStarted();
    lifecycle.readiness(true);
  }

  @Override
  public void stop(String namespace, String name) {
    execs.stop(namespace, name);
    files.remove(namespace, name);
    SubmitterLogs.remove(namespace + "/" + name);
    SubmitterExits.forget(namespace + "/" + name);
  }

  @Override
  public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
    return command(pod, container, command).run(timeout);
  }

  @Override
  public ExecProcess start(Pod pod, String container, List<String> command, boolean tty) {
    return execs.start(pod, command(pod, container, command), tty);
  }

  private ContainerCommand command(Pod pod, String container, List<String> command) {
    Map<String, String> env = PodProcesses.execEnvironment(files, pod, container);
    return new ContainerCommand(PodProcesses.forExec(files, pod, container).wrapped(command), env);
  }

  @Override
  public String logs(Pod pod, String container) {
    // A RayJob's emulated submitter prints what it does; other simulated pods print nothing.
    String name = container != null ? container : pod.getSpec().getContainers().get(0).getName();
    return SubmitterLogs.of(ObjectKeys.of(pod), name).orElse("");
  }

  @Override
  public Optional<URI> address(Pod pod, int containerPort) {
    return Optional.empty();
  }

  @Override
  public URI reach(Pod pod, int containerPort) {
    throw new IllegalStateException(
        PodRuntime.nothingListens(
            pod,
            containerPort,
            "its containers run without Ray processes. Install Ray (kuberay.python) or let the"
                + " harness provision it (kuberay.ray=auto)."));
  }

  /** The execs running in its pods die as on a node reboot; it runs no other processes. */
  @Override
  public int killAll() {
    return PowerLoss.kill(execs.pids());
  }

  @Override
  public void close() {
    execs.close();
  }
}
