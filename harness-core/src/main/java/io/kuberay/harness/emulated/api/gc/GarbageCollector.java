package io.kuberay.harness.emulated.api.gc;

import io.kuberay.harness.emulated.store.ApiException;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-controller-manager's garbage collector over the emulated store. It follows every change (its
 * graph builder): an object gone has its dependents looked at; an owner marked with the {@code
 * orphan} finalizer has its ownerReference taken out of its dependents and then the finalizer; an
 * owner marked with {@code foregroundDeletion} has its dependents deleted and loses the finalizer
 * once no dependent that blocks it ({@code blockOwnerDeletion: true}) is left. A dependent is
 * deleted only when none of its owners still exists (then with the policy its own GC finalizers
 * say, or in the foreground when a waiting owner needs its own dependents gone first); while one
 * does, it only loses its references to the owners that are gone or waiting.
 *
 * <p>The real collector works asynchronously from its informers; this one works on the thread of
 * the write that caused the change, before that write's request answers, one step after another in
 * the order the real work queues would take them: prompt, ordered, and never a sleep.
 */
public final class GarbageCollector implements ObjectStore.ChangeListener {

  private static final Logger logger = LoggerFactory.getLogger(GarbageCollector.class);

  /** The resource an ownerReference's apiVersion and kind name, if the server serves it. */
  @FunctionalInterface
  public interface OwnerKinds {
    Optional<OwnerKind> resolve(String apiVersion, String kind);
  }

  /** A served owner kind: its resource and whether it lives in a namespace. */
  public record OwnerKind(ResourceRef resource, boolean namespaced) {}

  private record OwnerRef(
      String apiVersion, String kind, String name, String uid, boolean blocks) {}

  private final ObjectStore store;
  private final OwnerKinds kinds;

  /** This thread's pending steps while it runs them; null when it runs none. */
  private final ThreadLocal<Deque<Runnable>> steps = new ThreadLocal<>();

  private GarbageCollector(ObjectStore store, OwnerKinds kinds) {
    this.store = store;
    this.kinds = kinds;
  }

  /** Starts collecting over {@code store}. */
  public static GarbageCollector attach(ObjectStore store, OwnerKinds kinds) {
    GarbageCollector gc = new GarbageCollector(store, kinds);
    store.listen(gc);
    return gc;
  }

  @Override
  public void changed(ResourceRef resource, StoredObject before, StoredObject after) {
    if (after == null) {
      // Gone: its dependents may be garbage now, and an owner deleted in the foreground may have
      // waited for it.
      enqueue(
          () ->
              store
                  .dependents(before.uid())
                  .forEach(d -> attemptToDelete(d.resource(), d.object())));
      ownersLeft(before, null);
      return;
    }
    if (before != null && !before.ownerUids().equals(after.ownerUids())) {
      ownersLeft(before, after);
    }
    if (starts(before, after, DeleteOptions.ORPHAN_FINALIZER)) {
      enqueue(() -> orphanDependents(resource, after));
    }
    if (starts(before, after, DeleteOptions.FOREGROUND_FINALIZER)) {
      enqueue(
          () -> {
            store
                .dependents(after.uid())
                .forEach(d -> enqueue(() -> attemptToDelete(d.resource(), d.object())));
            enqueue(() -> attemptToDelete(resource, after));
          });
    }
  }

  /** Whether a change marks the object for deletion with {@code finalizer} (newly either way). */
  private static boolean starts(StoredObject before, StoredObject after, String finalizer) {
    if (!after.markedForDeletion() || !after.finalizers().contains(finalizer)) {
      return false;
    }
    return before == null
        || !before.markedForDeletion()
        || !before.finalizers().contains(finalizer);
  }

  /** The owners {@code before} named and {@code after} (null: gone) no longer does: re-checked. */
  private void ownersLeft(StoredObject before, StoredObject after) {
    Set<String> kept = after == null ? Set.of() : new HashSet<>(after.ownerUids());
    for (OwnerRef ref : ownerRefs(before)) {
      if (!kept.contains(ref.uid())) {
        enqueue(() -> owner(before.namespace(), ref).ifPresent(this::recheckWaitingOwner));
      }
    }
  }

  private void recheckWaitingOwner(Located owner) {
    if (deletingDependents(owner.object())) {
      processDeletingDependents(owner.resource(), owner.object());
    }
  }

  /** Runs {@code step} now, or after the steps this thread already runs. */
  private void enqueue(Runnable step) {
    Deque<Runnable> pending = steps.get();
    if (pending != null) {
      pending.addLast(step);
      return;
    }
    pending = new ArrayDeque<>();
    pending.add(step);
    steps.set(pending);
    try {
      while (!pending.isEmpty()) {
        run(pending.removeFirst());
      }
    } finally {
      steps.remove();
    }
  }

  private static void run(Runnable step) {
    try {
      step.run();
    } catch (ApiException e) {
      // Changed or gone meanwhile: the change that did it brings its own steps.
      logger.debug("A garbage collection step found the object changed: {}", e.getMessage());
    }
  }

  /** {@code attemptToDeleteItem}. */
  private void attemptToDelete(ResourceRef resource, StoredObject seen) {
    Optional<StoredObject> latest = store.get(resource, seen.namespace(), seen.name());
    if (latest.isEmpty() || !latest.get().uid().equals(seen.uid())) {
      return;
    }
    StoredObject item = latest.get();
    if (item.markedForDeletion()) {
      if (deletingDependents(item)) {
        processDeletingDependents(resource, item);
      }
      return;
    }
    List<OwnerRef> refs = ownerRefs(item);
    if (refs.isEmpty()) {
      return;
    }
    List<String> goneOrWaiting = new ArrayList<>();
    boolean solid = false;
    boolean waiting = false;
    for (OwnerRef ref : refs) {
      Optional<OwnerKind> kind = kinds.resolve(ref.apiVersion(), ref.kind());
      if (kind.isEmpty()) {
        solid = true; // a kind the server does not serve cannot be verified absent
        continue;
      }
      Optional<StoredObject> owner =
          store
              .get(
                  kind.get().resource(),
                  kind.get().namespaced() ? item.namespace() : null,
                  ref.name())
              .filter(o -> ref.uid().equals(o.uid()));
      if (owner.isEmpty()) {
        goneOrWaiting.add(ref.uid());
      } else if (deletingDependents(owner.get())) {
        goneOrWaiting.add(ref.uid());
        waiting = true;
      } else {
        solid = true;
      }
    }
    if (solid) {
      if (!goneOrWaiting.isEmpty()) {
        removeOwnerRefs(resource, item, goneOrWaiting);
      }
      return;
    }
    if (waiting && !store.dependents(item.uid()).isEmpty()) {
      // Its own dependents go first, so that the owner waiting for it waits for them too.
      delete(resource, item, Propagation.FOREGROUND);
      return;
    }
    Propagation policy =
        item.finalizers().contains(DeleteOptions.ORPHAN_FINALIZER)
            ? Propagation.ORPHAN
            : item.finalizers().contains(DeleteOptions.FOREGROUND_FINALIZER)
                ? Propagation.FOREGROUND
                : Propagation.BACKGROUND;
    delete(resource, item, policy);
  }

  /** An owner deleted in the foreground: its finalizer goes once no blocking dependent is left. */
  private void processDeletingDependents(ResourceRef resource, StoredObject owner) {
    List<ObjectStore.Dependent> blocking =
        store.dependents(owner.uid()).stream()
            .filter(
                d ->
                    ownerRefs(d.object()).stream()
                        .anyMatch(r -> r.uid().equals(owner.uid()) && r.blocks()))
            .toList();
    if (blocking.isEmpty()) {
      removeFinalizer(resource, owner, DeleteOptions.FOREGROUND_FINALIZER);
      return;
    }
    for (ObjectStore.Dependent d : blocking) {
      if (!deletingDependents(d.object())) {
        enqueue(() -> attemptToDelete(d.resource(), d.object()));
      }
    }
  }

  /** The {@code orphan} finalizer: dependents first lose the reference, then the owner it. */
  private void orphanDependents(ResourceRef resource, StoredObject owner) {
    for (ObjectStore.Dependent d : store.dependents(owner.uid())) {
      removeOwnerRefs(d.resource(), d.object(), List.of(owner.uid()));
    }
    removeFinalizer(resource, owner, DeleteOptions.ORPHAN_FINALIZER);
  }

  private void delete(ResourceRef resource, StoredObject item, Propagation policy) {
    store.delete(
        resource,
        item.namespace(),
        item.name(),
        item.uid(),
        DeleteOptions.of(policy).finalizers(resource));
  }

  private void removeOwnerRefs(ResourceRef resource, StoredObject item, List<String> uids) {
    editMetadataList(
        resource,
        item,
        "ownerReferences",
        refs -> refs.removeIf(r -> uids.contains(String.valueOf(Maps.map(r).get("uid")))));
  }

  private void removeFinalizer(ResourceRef resource, StoredObject item, String finalizer) {
    editMetadataList(resource, item, "finalizers", finalizers -> finalizers.remove(finalizer));
  }

  /**
   * Edits the list {@code metadata.<key>} of {@code item} (left alone if the name now holds another
   * uid); an emptied list goes, as the API server stores it.
   */
  private void editMetadataList(
      ResourceRef resource, StoredObject item, String key, Consumer<List<Object>> edit) {
    store.update(
        resource,
        item.namespace(),
        item.name(),
        object -> {
          Map<String, Object> metadata = Maps.map(object.get("metadata"));
          if (!item.uid().equals(metadata.get("uid"))) {
            return object;
          }
          List<Object> list = new ArrayList<>(Maps.list(metadata.get(key)));
          edit.accept(list);
          if (list.isEmpty()) {
            metadata.remove(key);
          } else {
            metadata.put(key, list);
          }
          object.put("metadata", metadata);
          return object;
        });
  }

  private static boolean deletingDependents(StoredObject o) {
    return o.markedForDeletion() && o.finalizers().contains(DeleteOptions.FOREGROUND_FINALIZER);
  }

  private record Located(ResourceRef resource, StoredObject object) {}

  /** The live owner an ownerReference names, if it exists with that uid. */
  private Optional<Located> owner(String namespace, OwnerRef ref) {
    return kinds
        .resolve(ref.apiVersion(), ref.kind())
        .flatMap(
            k ->
                store
                    .get(k.resource(), k.namespaced() ? namespace : null, ref.name())
                    .filter(o -> ref.uid().equals(o.uid()))
                    .map(o -> new Located(k.resource(), o)));
  }

  private static List<OwnerRef> ownerRefs(StoredObject o) {
    if (o.ownerUids().isEmpty()) {
      return List.of();
    }
    List<OwnerRef> refs = new ArrayList<>();
    for (Object r : Maps.list(Maps.map(o.object().get("metadata")).get("ownerReferences"))) {
      Map<String, Object> ref = Maps.map(r);
      refs.add(
          new OwnerRef(
              String.valueOf(ref.get("apiVersion")),
              String.valueOf(ref.get("kind")),
              String.valueOf(ref.get("name")),
              String.valueOf(ref.get("uid")),
              Boolean.TRUE.equals(ref.get("blockOwnerDeletion"))));
    }
    return refs;
  }
}
