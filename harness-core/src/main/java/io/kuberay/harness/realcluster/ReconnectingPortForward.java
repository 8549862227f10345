package io.kuberay.harness.realcluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.PortForward;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local port whose every connection is forwarded to a pod's port through the API server ({@code
 * pods/portforward}). The target pod is looked up per connection: the pod by name while it exists,
 * else the newest running pod with the same identifying labels (Ray's {@code ray.io/cluster} and
 * {@code ray.io/node-type}), so a forward to a Ray head survives the head pod being replaced.
 */
final class ReconnectingPortForward implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(ReconnectingPortForward.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  private static final List<String> IDENTITY_LABELS =
      List.of("ray.io/cluster", "ray.io/node-type", "ray.io/group");

  private final KubernetesClient client;
  private final String namespace;
  private final String podName;
  private final Map<String, String> identity;
  private final int port;
  private volatile ServerSocket server;

  /**
   * Connections from accept to the end of their forward. Each forward holds a pump thread of
   * fabric8's (a non-daemon single-thread executor) that fabric8 shuts down only when the forward
   * is closed while the client still runs: {@link #close()} closes these sockets, which ends their
   * forwards, and waits for them before the client closes.
   */
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

  ReconnectingPortForward(KubernetesClient client, Pod pod, int port) {
    this.client = client;
    this.namespace = pod.getMetadata().getNamespace();
    this.podName = pod.getMetadata().getName();
    this.port = port;
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    Map<String, String> id = new LinkedHashMap<>();
    IDENTITY_LABELS.stream().filter(labels::containsKey).forEach(l -> id.put(l, labels.get(l)));
    this.identity = id;
  }

  ReconnectingPortForward start() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot open a local port to forward to " + namespace + "/" + podName + ":" + port, e);
    }
    Thread acceptor =
        new Thread(this::acceptLoop, "port-forward " + namespace + "/" + podName + ":" + port);
    acceptor.setDaemon(true);
    acceptor.start();
    return this;
  }

  int localPort() {
    return server.getLocalPort();
  }

  boolean isOpen() {
    return server != null && !server.isClosed();
  }

  private void acceptLoop() {
    while (isOpen()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return;
      }
      connections.add(socket);
      Thread t =
          new Thread(() -> forward(socket), "port-forward connection " + podName + ":" + port);
      t.setDaemon(true);
      t.start();
    }
  }

  private void forward(Socket socket) {
    try (socket) {
      if (!isOpen()) {
        return;
      }
      Optional<String> target = currentPod();
      if (target.isEmpty()) {
        logger.warn(
            "No pod to forward {}:{} to: {} is gone and no pod with labels {} runs",
            namespace,
            port,
            podName,
            identity);
        return;
      }
      try (PortForward pf =
          client
              .pods()
              .inNamespace(namespace)
              .withName(target.get())
              .portForward(
                  port,
                  Channels.newChannel(socket.getInputStream()),
                  Channels.newChannel(socket.getOutputStream()))) {
        if (isOpen()) {
          awaitEnd(pf, socket, target.get());
        }
      }
    } catch (IOException e) {
      logger.debug(
          "Port-forward connection to {}/{}:{} failed: {}",
          namespace,
          podName,
          port,
          e.getMessage());
    } finally {
      connections.remove(socket);
    }
  }

  /**
   * A connection lives as long as its client keeps it open (or this forward is closed); bounded all
   * the same (a day).
   */
  private void awaitEnd(PortForward pf, Socket socket, String target) {
    try {
      Awaitility.await("port-forward connection to " + namespace + "/" + target + ":" + port)
          .atMost(Duration.ofHours(24))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !pf.isAlive() || socket.isClosed());
    } catch (ConditionTimeoutException e) {
      logger.warn(
          "Closing port-forward connection to {}/{}:{} after 24 h", namespace, target, port);
    }
    if (pf.errorOccurred()) {
      logger.debug(
          "Port-forward to {}/{}:{} ended with errors {}",
          namespace,
          target,
          port,
          pf.getServerThrowables());
    }
  }

  /** The pod by name if it still runs, else its replacement. */
  Optional<String> currentPod() {
    Pod named = client.pods().inNamespace(namespace).withName(podName).get();
    if (named != null && named.getMetadata().getDeletionTimestamp() == null) {
      return Optional.of(podName);
    }
    if (identity.isEmpty()) {
      return Optional.empty();
    }
    return client.pods().inNamespace(namespace).withLabels(identity).list().getItems().stream()
        .filter(
            p ->
                p.getMetadata().getDeletionTimestamp() == null
                    && p.getStatus() != null
                    && "Running".equals(p.getStatus().getPhase()))
        .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .map(p -> p.getMetadata().getName());
  }

  /** Stops accepting, closes every connection and waits until their forwards are closed. */
  @Override
  public void close() {
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket socket : List.copyOf(connections)) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    // Each connection's thread sees its socket closed and closes its forward (one still opening it,
    // right after).
    try {
      Awaitility.await(
              "port-forward connections to " + namespace + "/" + podName + ":" + port + " to end")
          .atMost(CLOSE_TIMEOUT)
          .pollInterval(Duration.ofMillis(20))
          .pollInSameThread()
          .until(connections::isEmpty);
    } catch (ConditionTimeoutException e) {
      logger.warn(
          "{} port-forward connection(s) to {}/{}:{} still open {} after close",
          connections.size(),
          namespace,
          podName,
          port,
          CLOSE_TIMEOUT);
    }
  }
}
