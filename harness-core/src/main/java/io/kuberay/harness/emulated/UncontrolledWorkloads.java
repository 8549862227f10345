package io.kuberay.harness.emulated;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emulated cluster runs no DaemonSet controller (Deployments, ReplicaSets and StatefulSets have
 * theirs: {@code emulated.node.workloads}): a DaemonSet never gets pods. So that this is never
 * silent, each one gets a Warning event {@code NoController} saying so and what to do instead,
 * once.
 */
final class UncontrolledWorkloads implements AutoCloseable {

  private static final List<ResourceRef> WORKLOADS =
      List.of(new ResourceRef("apps", "v1", "daemonsets"));

  private final EmulatedApiServer api;
  private final EventRecorder events;
  private final Set<String> told = ConcurrentHashMap.newKeySet();
  private final List<ObjectEvents.Subscription> watches = new ArrayList<>();

  UncontrolledWorkloads(EmulatedApiServer api) {
    this.api = api;
    this.events = new EventRecorder(api::create, "kuberay-harness");
  }

  UncontrolledWorkloads start() {
    for (ResourceRef r : WORKLOADS) {
      watches.add(
          api.watch(
              r,
              null,
              (type, o) -> {
                if ("ADDED".equals(type)) {
                  added(o);
                }
              }));
    }
    return this;
  }

  private void added(StoredObject stored) {
    Map<String, Object> object = stored.object();
    if (stored.uid() == null || runsTheOperator(object) || ownedByAWorkload(object)) {
      return;
    }
    if (!told.add(stored.uid())) {
      return;
    }
    String kind = String.valueOf(object.get("kind"));
    events.warning(
        Json.convert(object, GenericKubernetesResource.class),
        "NoController",
        "The emulated cluster runs no "
            + kind
            + " controller: "
            + kind
            + " "
            + stored.namespace()
            + "/"
            + stored.name()
            + " gets no pods (Deployments, ReplicaSets and StatefulSets do). Run its pod as a"
            + " Deployment or create it directly, or use the k3s backend");
  }

  /** The operator's Deployment, which the emulator starts itself. */
  private static boolean runsTheOperator(Map<String, Object> object) {
    for (Object c : Maps.list(Maps.get(object, "spec", "template", "spec", "containers"))) {
      if (String.valueOf(Maps.map(c).get("image")).contains("kuberay/operator")) {
        return true;
      }
    }
    return false;
  }

  /** A ReplicaSet of a Deployment: the Deployment already says it. */
  private static boolean ownedByAWorkload(Map<String, Object> object) {
    return !Maps.list(Maps.get(object, "metadata", "ownerReferences")).isEmpty();
  }

  @Override
  public void close() {
    watches.forEach(ObjectEvents.Subscription::close);
  }
}
