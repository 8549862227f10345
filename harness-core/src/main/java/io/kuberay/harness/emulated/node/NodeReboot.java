package io.kuberay.harness.emulated.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.emulated.api.EventRecorder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * What the Node object shows of a reboot, as a restarted kubelet reports it: a new boot id, the
 * {@code Starting} and {@code Rebooted} events, and Ready=False ({@code KubeletNotReady}) until the
 * kubelet runs its pods again, then Ready.
 */
public final class NodeReboot {

  private final KubernetesClient client;
  private final EventRecorder events;

  public NodeReboot(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  /** The node is down: Ready=False with a new boot id, and the kubelet's events of its start. */
  public void down() {
    String bootId = UUID.randomUUID().toString();
    Node node =
        update(
            "False",
            "KubeletNotReady",
            "container runtime status check may not have completed yet",
            bootId);
    if (node != null) {
      events.normal(node, "Starting", "Starting kubelet.");
      events.warning(
          node,
          "Rebooted",
          "Node " + NodeEmulator.NODE_NAME + " has been rebooted, boot id: " + bootId);
    }
  }

  /** The kubelet is back and runs its pods: Ready again. */
  public void up() {
    Node node = update("True", "KubeletReady", "kubelet is posting ready status", null);
    if (node != null) {
      events.normal(
          node, "NodeReady", "Node " + NodeEmulator.NODE_NAME + " status is now: NodeReady");
    }
  }

  private Node update(String status, String reason, String message, String bootId) {
    return client
        .nodes()
        .withName(NodeEmulator.NODE_NAME)
        .editStatus(
            n -> {
              String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
              for (NodeCondition c : n.getStatus().getConditions()) {
                if ("Ready".equals(c.getType())) {
                  if (!status.equals(c.getStatus())) {
                    c.setLastTransitionTime(now);
                  }
                  c.setStatus(status);
                  c.setReason(reason);
                  c.setMessage(message);
                  c.setLastHeartbeatTime(now);
                }
              }
              if (bootId != null && n.getStatus().getNodeInfo() != null) {
                n.getStatus().getNodeInfo().setBootID(bootId);
              }
              return n;
            });
  }
}
