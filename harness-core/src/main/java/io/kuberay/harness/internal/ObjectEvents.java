package io.kuberay.harness.internal;

import io.fabric8.kubernetes.api.model.Event;
import io.kuberay.harness.backend.ClusterBackend;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The events of one object (by kind and name), oldest first: what its handle's waits and summaries
 * tell about it.
 */
public final class ObjectEvents {

  private final ClusterBackend backend;
  private final String namespace;
  private final String kind;
  private final String name;

  public ObjectEvents(ClusterBackend backend, String namespace, String kind, String name) {
    this.backend = backend;
    this.namespace = namespace;
    this.kind = kind;
    this.name = name;
  }

  /** Every event of an object of this kind and name (also of an earlier one of the same name). */
  public List<Event> all() {
    return backend.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(
            e ->
                e.getInvolvedObject() != null
                    && kind.equals(e.getInvolvedObject().getKind())
                    && name.equals(e.getInvolvedObject().getName()))
        .sorted(
            Comparator.comparing(
                ObjectEvents::time, Comparator.nullsFirst(Comparator.naturalOrder())))
        .toList();
  }

  /** The events of the object with {@code uid} (every one when it is null). */
  public List<Event> of(String uid) {
    return all().stream()
        .filter(e -> uid == null || Objects.equals(uid, e.getInvolvedObject().getUid()))
        .toList();
  }

  /**
   * The last three distinct Warning events of the object with {@code uid}, for a timeout's message
   * ({@code ""} when there are none or they cannot be read: the timeout is what matters then).
   */
  public String warnings(String uid) {
    try {
      List<String> seen =
          of(uid).stream()
              .filter(e -> "Warning".equals(e.getType()))
              .map(ObjectEvents::text)
              .distinct()
              .toList();
      return seen.isEmpty()
          ? ""
          : "; Warning events: "
              + String.join(" | ", seen.subList(Math.max(0, seen.size() - 3), seen.size()));
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** An event as {@code Reason: message}. */
  static String text(Event e) {
    return e.getReason() + ": " + e.getMessage();
  }

  private static String time(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    return e.getEventTime() == null ? null : e.getEventTime().getTime();
  }
}
