package io.kuberay.harness.emulated.node.workloads;

import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Which workload owns a dependent, by uid, as a controller's informer index does: a change of a
 * dependent (a pod, a ReplicaSet) queues the workload that owns it.
 */
final class OwnerIndex {

  private final Map<String, String> keysByUid = new ConcurrentHashMap<>();

  /** Queues each owner and remembers its uid (forgotten when it is deleted). */
  BiConsumer<String, StoredObject> ownerListener(ReconcileLoop loop) {
    return (type, o) -> {
      if (o.uid() != null) {
        if ("DELETED".equals(type)) {
          keysByUid.remove(o.uid());
        } else {
          keysByUid.put(o.uid(), ObjectKeys.of(o.namespace(), o.name()));
        }
      }
      loop.enqueue(ObjectKeys.of(o.namespace(), o.name()));
    };
  }

  /** Queues the known owners of each dependent. */
  BiConsumer<String, StoredObject> dependentListener(ReconcileLoop loop) {
    return (type, o) -> {
      for (String uid : o.ownerUids()) {
        String key = keysByUid.get(uid);
        if (key != null) {
          loop.enqueue(key);
        }
      }
    };
  }
}
