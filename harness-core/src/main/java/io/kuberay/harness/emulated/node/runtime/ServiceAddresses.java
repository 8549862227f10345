package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a Service's in-cluster name resolves to on the emulated node, as cluster DNS and kube-proxy
 * would take a connection there: {@code <service>:<port>} (also {@code <service>.<namespace>},
 * {@code ….svc} and {@code ….svc.cluster.local}) → a Running, Ready pod the service selects → the
 * loopback address of that pod's target port. Resolved when asked, so a process started after a pod
 * restart reaches the pod as it is now.
 */
public final class ServiceAddresses {

  private static final String CLUSTER_DOMAIN = "svc.cluster.local";

  private final Supplier<KubernetesClient> client;
  private final BiFunction<Pod, Integer, Optional<URI>> podAddress;

  /**
   * @param podAddress where the JVM reaches a pod's container port (the node's runtimes)
   */
  public ServiceAddresses(
      Supplier<KubernetesClient> client, BiFunction<Pod, Integer, Optional<URI>> podAddress) {
    this.client = client;
    this.podAddress = podAddress;
  }

  /**
   * {@code host:port} as seen from a pod in {@code namespace}: {@code 127.0.0.1:<port>} when host
   * names a Service with a ready endpoint here; empty when it names none (then it is left as it is,
   * and fails to connect as a real cluster's would).
   */
  public Optional<String> resolve(String namespace, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    String host = hostPort.substring(0, colon);
    String[] parts = host.split("\\.", 2);
    String ns = namespace;
    if (parts.length == 2) {
      String rest = parts[1];
      int dot = rest.indexOf('.');
      String suffix = dot < 0 ? "" : rest.substring(dot + 1);
      if (!(suffix.isEmpty() || suffix.equals("svc") || suffix.equals(CLUSTER_DOMAIN))) {
        return Optional.empty(); // not a cluster name
      }
      ns = dot < 0 ? rest : rest.substring(0, dot);
    }
    Service service = client.get().services().inNamespace(ns).withName(parts[0]).get();
    if (service == null
        || service.getSpec() == null
        || service.getSpec().getSelector() == null
        || service.getSpec().getSelector().isEmpty()) {
      return Optional.empty();
    }
    Optional<ServicePort> servicePort =
        service.getSpec().getPorts() == null
            ? Optional.empty()
            : service.getSpec().getPorts().stream()
                .filter(p -> p.getPort() != null && p.getPort() == port)
                .findFirst();
    if (servicePort.isEmpty()) {
      return Optional.empty();
    }
    List<Pod> pods =
        new ArrayList<>(
            client
                .get()
                .pods()
                .inNamespace(ns)
                .withLabels(service.getSpec().getSelector())
                .list()
                .getItems());
    // Ready pods first, as an endpoint slice lists them; a not-ready one only if nothing else.
    pods.sort(Comparator.comparing(p -> !ready(p)));
    for (Pod pod : pods) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Optional<Integer> target = targetPort(servicePort.get(), pod);
      Optional<URI> address = target.flatMap(t -> podAddress.apply(pod, t));
      if (address.isPresent()) {
        return Optional.of(address.get().getHost() + ":" + address.get().getPort());
      }
    }
    return Optional.empty();
  }

  /**
   * A comma-separated list of addresses ({@code host:port}, optionally after a scheme such as
   * {@code redis://}, as in {@code RAY_REDIS_ADDRESS}) with each in-cluster name resolved (see
   * {@link #resolve}); an address that leads nowhere here is kept as written and passed to {@code
   * unresolved}.
   */
  public String resolveList(String namespace, String addresses, Consumer<String> unresolved) {
    List<String> resolved = new ArrayList<>();
    for (String one : addresses.split(",")) {
      String address = one.trim();
      int scheme = address.indexOf("://");
      String prefix = scheme < 0 ? "" : address.substring(0, scheme + 3);
      String hostPort = address.substring(prefix.length());
      String local = resolve(namespace, hostPort).orElse(null);
      if (local == null) {
        unresolved.accept(address);
      }
      resolved.add(prefix + (local == null ? hostPort : local));
    }
    return String.join(",", resolved);
  }

  private static Optional<Integer> targetPort(ServicePort port, Pod pod) {
    IntOrString target = port.getTargetPort();
    if (target == null || (target.getIntVal() == null && target.getStrVal() == null)) {
      return Optional.of(port.getPort());
    }
    if (target.getIntVal() != null) {
      return Optional.of(target.getIntVal());
    }
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getPorts() != null) {
        for (ContainerPort cp : c.getPorts()) {
          if (target.getStrVal().equals(cp.getName())) {
            return Optional.of(cp.getContainerPort());
          }
        }
      }
    }
    return Optional.empty();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
