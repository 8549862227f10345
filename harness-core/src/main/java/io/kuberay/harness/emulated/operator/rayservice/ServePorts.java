package io.kuberay.harness.emulated.operator.rayservice;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.ObjectKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each emulated RayCluster's Serve proxy listens. In a cluster every head pod has its own IP
 * and its proxy binds {@code :8000}; here all pods share loopback, so each cluster gets a free
 * loopback port, which the RayService controller writes into the Serve config's {@code
 * http_options} and which port-forwards and {@code reach(pod, 8000)} resolve a Ray pod's serve port
 * to.
 */
public final class ServePorts {

  static final int DEFAULT_SERVING_PORT = 8000;

  private final Map<String, Integer> ports = new ConcurrentHashMap<>();

  /** The cluster's proxy port, chosen on first use. */
  int portFor(String namespace, String cluster) {
    return ports.computeIfAbsent(ObjectKeys.of(namespace, cluster), k -> freePort());
  }

  /**
   * The test JVM's address of a Ray pod's serve port (the container port named {@code serve}, else
   * 8000). A worker's resolves to its cluster's one proxy too: in a cluster Serve runs a proxy on
   * every node (KubeRay labels RayService workers {@code ray.io/serve=true}, so the serve service
   * sends requests to them), and any proxy routes to every replica.
   */
  public Optional<URI> address(Pod pod, int containerPort) {
    if (pod.getMetadata().getLabels() == null
        || pod.getMetadata().getLabels().get(Labels.NODE_TYPE) == null) {
      return Optional.empty();
    }
    Integer port =
        ports.get(
            ObjectKeys.of(
                pod.getMetadata().getNamespace(),
                pod.getMetadata().getLabels().get(Labels.CLUSTER)));
    if (port == null || containerPort != servingPort(pod)) {
      return Optional.empty();
    }
    return Optional.of(URI.create("http://127.0.0.1:" + port));
  }

  void forget(String namespace, String cluster) {
    ports.remove(ObjectKeys.of(namespace, cluster));
  }

  static int servingPort(Pod pod) {
    if (pod.getSpec() == null
        || pod.getSpec().getContainers().isEmpty()
        || pod.getSpec().getContainers().get(0).getPorts() == null) {
      return DEFAULT_SERVING_PORT;
    }
    return pod.getSpec().getContainers().get(0).getPorts().stream()
        .filter(p -> "serve".equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(DEFAULT_SERVING_PORT);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free loopback port for a Serve proxy", e);
    }
  }
}
