package io.kuberay.harness.emulated.node.workloads;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Scalable;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * An in-memory API server with the workload controllers and no node: the test plays the kubelet,
 * making pods Ready when it wants.
 */
final class WorkloadTestCluster implements AutoCloseable {

  final EmulatedApiServer api = new EmulatedApiServer().start("http://127.0.0.1:1");
  final KubernetesClient client = api.client();
  private final WorkloadControllers controllers =
      WorkloadControllers.start(
          client,
          api,
          component -> new EventRecorder(api, component),
          d -> d.getMetadata().getName().equals("kuberay-operator"));

  List<Pod> pods() {
    return client.pods().inNamespace("default").list().getItems();
  }

  /** The kubelet's part: every pod not yet Ready becomes Running and Ready. */
  void podsBecomeReady() {
    for (Pod p : pods()) {
      if (!WorkloadPods.ready(p)) {
        PodStatus status = new PodStatus();
        status.setPhase("Running");
        status.setConditions(
            List.of(new PodConditionBuilder().withType("Ready").withStatus("True").build()));
        p.setStatus(status);
        client.pods().inNamespace("default").resource(p).updateStatus();
      }
    }
  }

  /**
   * Sets the replicas through the scale subresource as fabric8 does it (read, then write with that
   * resourceVersion). The controller's status writes make the write conflict now and then (409, as
   * kube-apiserver answers it); a client reads again and retries, so does this.
   */
  void scale(String what, Scalable<?> target, int replicas) {
    Awaitility.await(what + " scaled to " + replicas)
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptionsMatching(
            e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(
            () -> {
              target.scale(replicas);
              return true;
            });
  }

  /** The messages of the events of an object with this reason. */
  List<String> events(String object, String reason) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> object.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  @Override
  public void close() {
    controllers.close();
    api.close();
  }
}
