package io.kuberay.harness.emulated.streaming;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.backend.PodChannels;
import java.util.List;
import java.util.Optional;

/**
 * What the streaming endpoints (exec, port-forward, logs) need from the emulated node: its pods and
 * their channels.
 */
public interface PodStreams extends PodChannels {

  Optional<Pod> pod(String namespace, String name);

  /**
   * Starts a command in a container of the pod with its standard streams attached, for {@code
   * pods/exec}: no timeout, it runs until it exits or the pod stops. An exception with a readable
   * message when it cannot start.
   */
  ExecProcess start(Pod pod, String container, List<String> command, boolean tty);

  /**
   * {@code pods/log} of a container the pod has, as the kubelet serves it: the current instance's
   * log, or with {@code previous} the last terminated one's; an {@link IllegalArgumentException}
   * with the kubelet's message when there is none (a 400).
   */
  String logs(Pod pod, String container, boolean previous);
}
