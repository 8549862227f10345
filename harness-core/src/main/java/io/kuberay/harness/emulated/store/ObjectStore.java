package io.kuberay.harness.emulated.store;

import io.kuberay.harness.emulated.support.Maps;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The emulated API server's storage, standing in for etcd and the API server's watch cache: objects
 * by resource, namespace and name; one resourceVersion counter for the whole server; and, per
 * resource, a bounded history of recent changes, so that a watch that starts from a list's
 * resourceVersion first gets every change since that list (or a 410 Gone when they are no longer
 * kept, after which informers relist).
 *
 * <p>Lookups are by key, not by scanning every object: the cost of a request does not grow with the
 * number of stored objects (events, pods) the way fabric8's mock CRUD store does.
 */
public final class ObjectStore {

  /** Changes kept per resource; the API server's watch cache keeps a window of the same order. */
  public static final int HISTORY_PER_RESOURCE = 1000;

  private final int historyLimit;
  private final Map<ResourceRef, Table> tables = new HashMap<>();

  /**
   * Owner uid to its dependents' resource and key: the garbage collector's graph, kept as stored.
   */
  private final Map<String, Set<Owned>> dependents = new HashMap<>();

  private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
  private long revision;

  public ObjectStore() {
    this(HISTORY_PER_RESOURCE);
  }

  public ObjectStore(int historyLimit) {
    if (historyLimit < 1) {
      throw new IllegalArgumentException("historyLimit must be positive: " + historyLimit);
    }
    this.historyLimit = historyLimit;
  }

  /**
   * What a list returns: the matching objects in key order and the revision they are current at.
   */
  public record Listing(List<StoredObject> items, long revision) {}

  /** What a delete did: removed the object, or only marked it (it has finalizers). */
  public record Deletion(StoredObject object, boolean pending) {}

  /** A stored object that names an owner in its ownerReferences, with its resource. */
  public record Dependent(ResourceRef resource, StoredObject object) {}

  private record Owned(ResourceRef resource, String key) {}

  /**
   * Told of each change once it is stored and its watches have it, on the writing thread: {@code
   * before} is null for a create, {@code after} null for a removal. A listener may write to the
   * store; the garbage collector is one.
   */
  @FunctionalInterface
  public interface ChangeListener {
    void changed(ResourceRef resource, StoredObject before, StoredObject after);
  }

  public void listen(ChangeListener listener) {
    listeners.add(listener);
  }

  private void tell(ResourceRef resource, StoredObject before, StoredObject after) {
    for (ChangeListener l : listeners) {
      l.changed(resource, before, after);
    }
  }

  /** The stored objects whose ownerReferences name {@code ownerUid}, in no particular order. */
  public synchronized List<Dependent> dependents(String ownerUid) {
    List<Dependent> out = new ArrayList<>();
    for (Owned o : dependents.getOrDefault(ownerUid, Set.of())) {
      StoredObject object = table(o.resource()).objects.get(o.key());
      if (object != null) {
        out.add(new Dependent(o.resource(), object));
      }
    }
    return out;
  }

  /** Keeps {@link #dependents} in step with a change; called under the lock. */
  private void index(ResourceRef resource, StoredObject before, StoredObject after) {
    if (before != null) {
      for (String owner : before.ownerUids()) {
        Set<Owned> owned = dependents.get(owner);
        if (owned != null) {
          owned.remove(new Owned(resource, before.key()));
          if (owned.isEmpty()) {
            dependents.remove(owner);
          }
        }
      }
    }
    if (after != null) {
      for (String owner : after.ownerUids()) {
        dependents
            .computeIfAbsent(owner, k -> new LinkedHashSet<>())
            .add(new Owned(resource, after.key()));
      }
    }
  }

  public synchronized long revision() {
    return revision;
  }

  public synchronized Optional<StoredObject> get(
      ResourceRef resource, String namespace, String name) {
    Table t = tables.get(resource);
    return t == null
        ? Optional.empty()
        : Optional.ofNullable(t.objects.get(StoredObject.key(namespace, name)));
  }

  public synchronized Listing list(
      ResourceRef resource, String namespace, Predicate<StoredObject> filter) {
    Table t = tables.get(resource);
    List<StoredObject> items = new ArrayList<>();
    if (t != null) {
      for (StoredObject o : t.in(namespace)) {
        if (filter.test(o)) {
          items.add(o);
        }
      }
    }
    return new Listing(items, revision);
  }

  /**
   * Stores a new object, assigning what the server assigns on create (uid, creationTimestamp,
   * resourceVersion, generation).
   */
  public StoredObject create(ResourceRef resource, Map<String, Object> object) {
    return create(resource, object, o -> {});
  }

  /**
   * As {@link #create(ResourceRef, Map)}, with the resource's preparation for create (a registry
   * strategy's PrepareForCreate) applied once uid and creationTimestamp are assigned, as the API
   * server runs it: a Job's generated selector names its new uid.
   */
  public StoredObject create(
      ResourceRef resource, Map<String, Object> object, Consumer<Map<String, Object>> prepare) {
    List<StoreWatch> touched;
    StoredObject stored;
    synchronized (this) {
      Table t = table(resource);
      Map<String, Object> metadata = Maps.map(object.get("metadata"));
      object.put("metadata", metadata);
      String key =
          StoredObject.key((String) metadata.get("namespace"), (String) metadata.get("name"));
      if (t.objects.containsKey(key)) {
        throw new ApiException(
            409,
            "AlreadyExists",
            resource.qualified() + " \"" + metadata.get("name") + "\" already exists");
      }
      metadata.remove("deletionTimestamp");
      metadata.remove("deletionGracePeriodSeconds");
      metadata.put("uid", UUID.randomUUID().toString());
      metadata.put("creationTimestamp", now());
      metadata.put("resourceVersion", String.valueOf(++revision));
      if (tracksGeneration(resource)) {
        metadata.put("generation", 1);
      }
      prepare.accept(object);
      stored = StoredObject.of(object);
      t.objects.put(key, stored);
      index(resource, null, stored);
      touched = t.publish(new Change(revision, null, stored));
    }
    touched.forEach(StoreWatch::flush);
    tell(resource, null, stored);
    return stored;
  }

  /**
   * Replaces an object with what {@code change} makes of a copy of it. The server keeps the fields
   * clients cannot change (uid, creationTimestamp, deletionTimestamp), bumps generation when more
   * than metadata and status changed, and assigns a new resourceVersion only when something changed
   * at all. An object marked for deletion whose last finalizer goes is deleted.
   */
  public StoredObject update(
      ResourceRef resource,
      String namespace,
      String name,
      UnaryOperator<Map<String, Object>> change) {
    return update(resource, namespace, name, change, true);
  }

  /**
   * {@link #update} for a write that is not a spec change in the API's sense even if it touches the
   * spec: a pod's binding to a node, which leaves its generation alone.
   */
  public StoredObject bind(
      ResourceRef resource,
      String namespace,
      String name,
      UnaryOperator<Map<String, Object>> change) {
    return update(resource, namespace, name, change, false);
  }

  /**
   * Which resources the API server gives a {@code metadata.generation}: workloads, custom resources
   * and CRDs, pods (since Kubernetes 1.33); not services, config maps, secrets, namespaces, events,
   * RBAC or leases.
   */
  static boolean tracksGeneration(ResourceRef resource) {
    if (resource.group().isEmpty()) {
      return resource.plural().equals("pods") || resource.plural().equals("replicationcontrollers");
    }
    return !List.of(
            "rbac.authorization.k8s.io",
            "coordination.k8s.io",
            "events.k8s.io",
            "discovery.k8s.io",
            "certificates.k8s.io",
            "scheduling.k8s.io",
            "node.k8s.io")
        .contains(resource.group());
  }

  private StoredObject update(
      ResourceRef resource,
      String namespace,
      String name,
      UnaryOperator<Map<String, Object>> change,
      boolean specChange) {
    List<StoreWatch> touched;
    StoredObject result;
    StoredObject stored;
    StoredObject previous;
    synchronized (this) {
      Table t = table(resource);
      String key = StoredObject.key(namespace, name);
      StoredObject current = t.objects.get(key);
      if (current == null) {
        throw ApiException.notFound(resource.qualified(), name);
      }
      Map<String, Object> before = current.object();
      Map<String, Object> after = change.apply(current.object());
      Map<String, Object> was = Maps.map(before.get("metadata"));
      Map<String, Object> metadata = Maps.map(after.get("metadata"));
      after.put("metadata", metadata);
      for (String kept :
          List.of(
              "namespace",
              "name",
              "uid",
              "creationTimestamp",
              "resourceVersion",
              "generation",
              "deletionTimestamp",
              "deletionGracePeriodSeconds")) {
        if (was.containsKey(kept)) {
          metadata.put(kept, was.get(kept));
        } else {
          metadata.remove(kept);
        }
      }
      if (specChange
          && was.containsKey("generation")
          && !sameExcept(before, after, "metadata", "status")) {
        metadata.put("generation", ((Number) was.getOrDefault("generation", 0)).longValue() + 1);
      }
      if (before.equals(after)) {
        return current;
      }
      long rv = ++revision;
      if (metadata.get("deletionTimestamp") != null
          && Maps.list(metadata.get("finalizers")).isEmpty()) {
        t.objects.remove(key);
        result = current;
        stored = null;
        touched = t.publish(new Change(rv, current, null));
      } else {
        metadata.put("resourceVersion", String.valueOf(rv));
        result = StoredObject.of(after);
        stored = result;
        t.objects.put(key, result);
        touched = t.publish(new Change(rv, current, result));
      }
      index(resource, current, stored);
      previous = current;
    }
    touched.forEach(StoreWatch::flush);
    tell(resource, previous, stored);
    return result;
  }

  /**
   * Deletes an object, or, when it has finalizers, marks it with a deletionTimestamp and leaves it
   * to them.
   */
  public Deletion delete(ResourceRef resource, String namespace, String name) {
    return delete(resource, namespace, name, null, UnaryOperator.identity());
  }

  /**
   * A delete as the API server's registry makes it: {@code finalizers} turns the object's
   * finalizers into those it keeps on deletion (the garbage collector's {@code orphan} or {@code
   * foregroundDeletion} added or dropped per the DeleteOptions); with none left it is removed,
   * otherwise marked (once: a marked object only gets its new finalizers). {@code uid}, when not
   * null, is a precondition (409 when the stored object is another).
   */
  public Deletion delete(
      ResourceRef resource,
      String namespace,
      String name,
      String uid,
      UnaryOperator<List<String>> finalizers) {
    List<StoreWatch> touched;
    Deletion result;
    StoredObject current;
    synchronized (this) {
      Table t = table(resource);
      String key = StoredObject.key(namespace, name);
      current = t.objects.get(key);
      if (current == null) {
        throw ApiException.notFound(resource.qualified(), name);
      }
      if (uid != null && !uid.equals(current.uid())) {
        throw new ApiException(
            409,
            "Conflict",
            "Precondition failed: UID in precondition: "
                + uid
                + ", UID in object meta: "
                + current.uid());
      }
      List<String> kept = finalizers.apply(current.finalizers());
      if (!kept.isEmpty()) {
        if (current.markedForDeletion() && kept.equals(current.finalizers())) {
          return new Deletion(current, true);
        }
        Map<String, Object> object = current.object();
        Map<String, Object> metadata = Maps.map(object.get("metadata"));
        object.put("metadata", metadata);
        metadata.put("finalizers", new ArrayList<>(kept));
        if (!current.markedForDeletion()) {
          metadata.put("deletionTimestamp", now());
          metadata.put("deletionGracePeriodSeconds", 0);
        }
        metadata.put("resourceVersion", String.valueOf(++revision));
        StoredObject marked = StoredObject.of(object);
        t.objects.put(key, marked);
        index(resource, current, marked);
        touched = t.publish(new Change(revision, current, marked));
        result = new Deletion(marked, true);
      } else {
        t.objects.remove(key);
        index(resource, current, null);
        touched = t.publish(new Change(++revision, current, null));
        result = new Deletion(current, false);
      }
    }
    touched.forEach(StoreWatch::flush);
    tell(resource, current, result.pending() ? result.object() : null);
    return result;
  }

  /** Deletes every object of the resource in the namespace (null: all) that the filter accepts. */
  public List<Deletion> deleteAll(
      ResourceRef resource, String namespace, Predicate<StoredObject> filter) {
    return deleteAll(resource, namespace, filter, UnaryOperator.identity());
  }

  /** {@link #deleteAll}, each object's finalizers on deletion given by {@code finalizers}. */
  public List<Deletion> deleteAll(
      ResourceRef resource,
      String namespace,
      Predicate<StoredObject> filter,
      UnaryOperator<List<String>> finalizers) {
    List<StoredObject> victims = list(resource, namespace, filter).items();
    List<Deletion> out = new ArrayList<>();
    for (StoredObject o : victims) {
      try {
        out.add(delete(resource, o.namespace(), o.name(), null, finalizers));
      } catch (ApiException e) {
        // deleted concurrently
      }
    }
    return out;
  }

  /**
   * Opens a watch. Without a resourceVersion (or with "0") it starts with an ADDED event for every
   * object it sees; with one, it first replays every change after that version, or, when the
   * history no longer reaches back that far, sends a 410 Gone ERROR event and ends.
   */
  public synchronized StoreWatch watch(
      ResourceRef resource, String namespace, Selector selector, String resourceVersion) {
    return watch(resource, namespace, selector, resourceVersion, null);
  }

  /**
   * A watch that, with {@code sendInitialEvents=true} (client-go's watch-list, which Helm 4's
   * {@code --wait} uses), first sends every matching object as ADDED and then a BOOKMARK of this
   * kind, annotated {@code k8s.io/initial-events-end: "true"}, at the current revision; {@code
   * initialEventsKind} is the {@code apiVersion} and {@code kind} the bookmark carries.
   */
  public synchronized StoreWatch watchWithInitialEvents(
      ResourceRef resource,
      String namespace,
      Selector selector,
      Map<String, String> initialEventsKind) {
    return watch(resource, namespace, selector, null, initialEventsKind);
  }

  private StoreWatch watch(
      ResourceRef resource,
      String namespace,
      Selector selector,
      String resourceVersion,
      Map<String, String> initialEventsKind) {
    Table t = table(resource);
    StoreWatch w = new StoreWatch(namespace, selector);
    if (initialEventsKind != null
        || resourceVersion == null
        || resourceVersion.isEmpty()
        || "0".equals(resourceVersion)) {
      for (StoredObject o : t.in(namespace)) {
        if (w.sees(o)) {
          w.offer(WatchEvent.of("ADDED", o));
        }
      }
      if (initialEventsKind != null) {
        w.offer(
            new WatchEvent(
                "BOOKMARK",
                "{\"kind\":\""
                    + initialEventsKind.get("kind")
                    + "\",\"apiVersion\":\""
                    + initialEventsKind.get("apiVersion")
                    + "\",\"metadata\":{\"resourceVersion\":\""
                    + revision
                    + "\",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}",
                null));
      }
    } else {
      long from = parseVersion(resourceVersion);
      if (from < t.compacted) {
        w.offer(gone(from, t.oldestKept()));
        w.endAfterPending();
        return w;
      }
      for (Change c : t.history) {
        if (c.revision > from) {
          WatchEvent e = c.eventFor(w);
          if (e != null) {
            w.offer(e);
          }
        }
      }
    }
    t.watches.add(w);
    w.onClose(() -> forget(t, w));
    return w;
  }

  private synchronized void forget(Table t, StoreWatch w) {
    t.watches.remove(w);
  }

  private Table table(ResourceRef resource) {
    return tables.computeIfAbsent(resource, r -> new Table(historyLimit));
  }

  private static long parseVersion(String resourceVersion) {
    try {
      return Long.parseLong(resourceVersion);
    } catch (NumberFormatException e) {
      throw new ApiException(
          400, "BadRequest", "Invalid value for resourceVersion: " + resourceVersion);
    }
  }

  private static WatchEvent gone(long requested, long oldest) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.put("metadata", Map.of());
    status.put("status", "Failure");
    status.put("message", "too old resource version: " + requested + " (" + oldest + ")");
    status.put("reason", "Expired");
    status.put("code", 410);
    return new WatchEvent("ERROR", JsonText.write(status), null);
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Whether two objects are equal apart from the given top-level fields. */
  private static boolean sameExcept(
      Map<String, Object> a, Map<String, Object> b, String... ignored) {
    Map<String, Object> x = new LinkedHashMap<>(a);
    Map<String, Object> y = new LinkedHashMap<>(b);
    for (String key : ignored) {
      x.remove(key);
      y.remove(key);
    }
    return x.equals(y);
  }

  /** One resource's objects, recent changes and open watches. */
  private static final class Table {
    final TreeMap<String, StoredObject> objects = new TreeMap<>();
    final ArrayDeque<Change> history = new ArrayDeque<>();
    final List<StoreWatch> watches = new ArrayList<>();
    final int limit;

    /**
     * The revision of the newest change dropped from the history: watches from before it get a 410.
     */
    long compacted;

    Table(int limit) {
      this.limit = limit;
    }

    Collection<StoredObject> in(String namespace) {
      return namespace == null
          ? objects.values()
          : objects.subMap(namespace + "/", namespace + "0").values();
    }

    long oldestKept() {
      return history.isEmpty() ? compacted + 1 : history.peekFirst().revision;
    }

    /**
     * Records the change and queues its event on every watch that sees it; returns those watches.
     */
    List<StoreWatch> publish(Change c) {
      history.addLast(c);
      while (history.size() > limit) {
        compacted = history.removeFirst().revision;
      }
      List<StoreWatch> touched = new ArrayList<>();
      for (StoreWatch w : watches) {
        WatchEvent e = c.eventFor(w);
        if (e != null) {
          w.offer(e);
          touched.add(w);
        }
      }
      return touched;
    }
  }

  /** One write: before and after (null for a create or a delete) at a revision. */
  private static final class Change {
    final long revision;
    final StoredObject before;
    final StoredObject after;
    private StoredObject beforeAtRevision;

    Change(long revision, StoredObject before, StoredObject after) {
      this.revision = revision;
      this.before = before;
      this.after = after;
    }

    /**
     * The event this change is for a watch, as the API server's watch cache renders it: an object
     * that enters the watch's selection is ADDED, one that leaves it (or is deleted) is DELETED
     * with its last state at this revision, and null when the watch sees neither state.
     */
    WatchEvent eventFor(StoreWatch w) {
      boolean was = w.sees(before);
      boolean is = w.sees(after);
      if (was && is) {
        return WatchEvent.of("MODIFIED", after);
      }
      if (is) {
        return WatchEvent.of("ADDED", after);
      }
      if (was) {
        return WatchEvent.of("DELETED", beforeAtRevision());
      }
      return null;
    }

    private StoredObject beforeAtRevision() {
      if (beforeAtRevision == null) {
        Map<String, Object> object = before.object();
        Maps.map(object.get("metadata")).put("resourceVersion", String.valueOf(revision));
        beforeAtRevision = StoredObject.of(object);
      }
      return beforeAtRevision;
    }
  }

  @Override
  public String toString() {
    return "ObjectStore at revision "
        + revision()
        + " with "
        + Objects.requireNonNull(tables).size()
        + " resources";
  }
}
