package io.kuberay.harness.emulated.node.runtime;

import io.kuberay.harness.ExecResult;
import io.kuberay.harness.ray.process.LocalExec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command as an exec in a container runs it: wrapped into the container's mount namespace and
 * workingDir, with the container's environment. Each runtime makes it its way; collected ({@link
 * #run}) and streamed ({@link PodExecs#start}) execs then run the same command.
 */
record ContainerCommand(List<String> command, Map<String, String> env) {

  ContainerCommand {
    command = List.copyOf(command);
    env = Map.copyOf(env);
  }

  /** Runs to completion or {@code timeout}, output collected (as {@code PodHandle.exec}). */
  ExecResult run(Duration timeout) {
    return LocalExec.of(command).withEnv(env).withTimeout(timeout).run();
  }
}
