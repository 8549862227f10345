package io.kuberay.harness.internal;

import io.fabric8.kubernetes.api.model.Event;
import io.kuberay.harness.backend.ClusterBackend;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The events of one RayCluster (by name), oldest first: what its waits tell about it. A refusal is
 * the operator's verdict on the object as it is ({@code InvalidRayClusterSpec}/{@code
 * InvalidRayClusterMetadata}, which KubeRay does not retry until the object changes).
 */
public final class ClusterEvents {

  private static final List<String> REFUSALS =
      List.of("InvalidRayClusterSpec", "InvalidRayClusterMetadata");

  private final ClusterBackend backend;
  private final String namespace;
  private final String name;

  public ClusterEvents(ClusterBackend backend, String namespace, String name) {
    this.backend = backend;
    this.namespace = namespace;
    this.name = name;
  }

  /** Every event of a RayCluster of this name (also of an earlier one of the same name). */
  public List<Event> all() {
    return backend.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(
            e ->
                e.getInvolvedObject() != null
                    && "RayCluster".equals(e.getInvolvedObject().getKind())
                    && name.equals(e.getInvolvedObject().getName()))
        .sorted(
            Comparator.comparing(
                ClusterEvents::time, Comparator.nullsFirst(Comparator.naturalOrder())))
        .toList();
  }

  /** The operator's refusal of the object with {@code uid}, in its words. */
  public Optional<String> refusal(String uid) {
    return of(uid).stream()
        .filter(e -> "Warning".equals(e.getType()) && REFUSALS.contains(e.getReason()))
        .map(ClusterEvents::text)
        .findFirst();
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
              .map(ClusterEvents::text)
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

  private List<Event> of(String uid) {
    return all().stream()
        .filter(e -> uid == null || Objects.equals(uid, e.getInvolvedObject().getUid()))
        .toList();
  }

  private static String text(Event e) {
    return e.getReason() + ": " + e.getMessage();
  }

  private static String time(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    return e.getEventTime() == null ? null : e.getEventTime().getTime();
  }
}
