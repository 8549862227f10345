package io.kuberay.harness.emulated.node.workloads;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.store.ObjectEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * kube-controller-manager's workload controllers together: Deployments, ReplicaSets, StatefulSets,
 * DaemonSets and the claims of StatefulSets, each with its own queue and event source, as the real
 * ones are.
 */
public final class WorkloadControllers implements AutoCloseable {

  private final List<AutoCloseable> controllers = new ArrayList<>();

  private WorkloadControllers() {}

  /**
   * Starts the controllers.
   *
   * @param recorders the event recorder of a component ({@code deployment-controller}, ...)
   * @param runElsewhere Deployments another part of the emulator runs (the KubeRay operator's)
   */
  public static WorkloadControllers start(
      KubernetesClient client,
      ObjectEvents objectEvents,
      Function<String, EventRecorder> recorders,
      Predicate<Deployment> runElsewhere) {
    WorkloadControllers c = new WorkloadControllers();
    try {
      c.controllers.add(new ClaimBinder(client, objectEvents).start());
      c.controllers.add(
          new ReplicaSetController(client, objectEvents, recorders.apply("replicaset-controller"))
              .start());
      c.controllers.add(
          new DeploymentController(
                  client, objectEvents, recorders.apply("deployment-controller"), runElsewhere)
              .start());
      c.controllers.add(
          new StatefulSetController(client, objectEvents, recorders.apply("statefulset-controller"))
              .start());
      c.controllers.add(
          new DaemonSetController(client, objectEvents, recorders.apply("daemonset-controller"))
              .start());
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * Whether the pod is one of these controllers': its controller is a ReplicaSet, StatefulSet or
   * DaemonSet that exists with that uid. Such a pod runs its command on the node (or a Redis
   * image's redis-server), as any pod of a real workload does.
   */
  public static boolean controlsPod(KubernetesClient client, Pod pod) {
    Optional<OwnerReference> owner = WorkloadPods.controllerOf(pod.getMetadata());
    if (owner.isEmpty() || !"apps/v1".equals(owner.get().getApiVersion())) {
      return false;
    }
    String namespace = pod.getMetadata().getNamespace();
    String name = owner.get().getName();
    HasMetadata found =
        switch (owner.get().getKind()) {
          case "ReplicaSet" ->
              client.apps().replicaSets().inNamespace(namespace).withName(name).get();
          case "StatefulSet" ->
              client.apps().statefulSets().inNamespace(namespace).withName(name).get();
          case "DaemonSet" ->
              client.apps().daemonSets().inNamespace(namespace).withName(name).get();
          default -> null;
        };
    return found != null && owner.get().getUid().equals(found.getMetadata().getUid());
  }

  @Override
  public void close() {
    for (AutoCloseable c : controllers) {
      try {
        c.close();
      } catch (Exception e) {
        // closing a queue and its watches does not fail
      }
    }
  }
}
