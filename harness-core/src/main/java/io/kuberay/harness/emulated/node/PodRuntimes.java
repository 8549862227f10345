package io.kuberay.harness.emulated.node;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.backend.PodChannels;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.ObjectKeys;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks the runtime for each pod: Ray nodes go to the Ray runtime when there is one, the rest are
 * simulated.
 */
public final class PodRuntimes implements PodChannels, AutoCloseable {

  private final PodRuntime ray;
  private final PodRuntime simulated;
  private final Map<String, PodRuntime> assigned = new ConcurrentHashMap<>();

  public PodRuntimes(PodRuntime ray, PodRuntime simulated) {
    this.ray = ray;
    this.simulated = simulated;
  }

  private PodRuntime runtimeFor(Pod pod) {
    return assigned.computeIfAbsent(
        ObjectKeys.of(pod), k -> isRayNode(pod) && ray != null ? ray : simulated);
  }

  static boolean isRayNode(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels != null && "yes".equals(labels.get(Labels.IS_RAY_NODE));
  }

  void start(Pod pod, PodRuntime.PodLifecycle lifecycle) {
    runtimeFor(pod).start(pod, lifecycle);
  }

  void stop(String namespace, String name) {
    PodRuntime r = assigned.remove(ObjectKeys.of(namespace, name));
    if (r != null) {
      r.stop(namespace, name);
    }
  }

  @Override
  public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
    return runtimeFor(pod).exec(pod, container, command, timeout);
  }

  @Override
  public String logs(Pod pod, String container) {
    return runtimeFor(pod).logs(pod, container);
  }

  public Optional<URI> address(Pod pod, int port) {
    return runtimeFor(pod).address(pod, port);
  }

  @Override
  public URI reach(Pod pod, int containerPort) {
    return runtimeFor(pod).reach(pod, containerPort);
  }

  @Override
  public void close() {
    if (ray != null) {
      ray.close();
    }
    simulated.close();
  }
}
