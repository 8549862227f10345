package io.kuberay.harness.emulated.streaming;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.backend.PodChannels;
import java.util.Optional;

/**
 * What the streaming endpoints (exec, port-forward, logs) need from the emulated node: its pods and
 * their channels.
 */
public interface PodStreams extends PodChannels {

  Optional<Pod> pod(String namespace, String name);
}
