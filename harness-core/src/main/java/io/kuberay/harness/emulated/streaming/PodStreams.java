package io.kuberay.harness.emulated.streaming;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ExecResult;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What the streaming endpoints (exec, port-forward) need from the emulated node. */
public interface PodStreams {

  Optional<Pod> pod(String namespace, String name);

  /** Runs a command to completion in a container of the pod. */
  ExecResult exec(Pod pod, String container, List<String> command, Duration timeout);

  /**
   * The loopback address of whatever listens on the pod's container port; an exception with a readable
   * message when nothing does.
   */
  InetSocketAddress reach(Pod pod, int containerPort);

  /** Everything the container wrote so far. */
  String logs(Pod pod, String container);
}
