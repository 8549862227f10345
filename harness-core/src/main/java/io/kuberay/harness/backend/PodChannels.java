package io.kuberay.harness.backend;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ExecResult;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What the harness does with a running pod besides reading it: exec, logs, and reaching a container
 * port. Every backend offers it, and so do the emulated node's pod runtimes and the streaming
 * endpoints kubectl talks to.
 */
public interface PodChannels {

  /** Runs a command in a container of the pod; a non-zero exit is a result. */
  ExecResult exec(Pod pod, String container, List<String> command, Duration timeout);

  /** The container's log so far. */
  String logs(Pod pod, String container);

  /**
   * An address at which the test JVM reaches the pod's container port; an exception with a readable
   * message when nothing can.
   */
  URI reach(Pod pod, int containerPort);
}
