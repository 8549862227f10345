package io.kuberay.harness.k3s;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.Waits;
import java.time.Duration;
import java.util.stream.Collectors;

/** Waits until the cluster's API lists a node whose condition {@code Ready} is {@code True}. */
final class NodeReadiness {

  private NodeReadiness() {}

  /**
   * @param what names the node's container in the timeout message
   */
  static void await(KubernetesClient client, String what, Duration timeout) {
    Waits.until(
        "k3s node of container " + what,
        "a node with condition Ready=True",
        timeout,
        () -> client.nodes().list().getItems(),
        nodes -> nodes.stream().anyMatch(NodeReadiness::isReady),
        nodes ->
            nodes.isEmpty()
                ? "no nodes registered"
                : nodes.stream().map(NodeReadiness::describe).collect(Collectors.joining(", ")),
        null);
  }

  static boolean isReady(Node node) {
    return node.getStatus() != null
        && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String describe(Node node) {
    String ready =
        node.getStatus() == null || node.getStatus().getConditions() == null
            ? "no conditions"
            : node.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(c -> "Ready=" + c.getStatus() + " (" + c.getReason() + ")")
                .findFirst()
                .orElse("no Ready condition");
    return node.getMetadata().getName() + " " + ready;
  }
}
