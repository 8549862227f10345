package io.kuberay.harness.internal;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.time.Duration;
import java.util.List;

/**
 * Whether the operator has refused a RayCluster as it is now, so that waiting for it is pointless;
 * looked up at most every {@link #EVERY} (a list of events), for one wait. Only an object whose
 * spec never changed counts: a refusal of an earlier spec says nothing about a fixed one, and
 * events outlive the change.
 */
public final class RefusalCheck {

  static final Duration EVERY = Duration.ofMillis(500);

  /** KubeRay's refusals of the object as it is, which it does not retry until it changes. */
  private static final List<String> REFUSALS =
      List.of("InvalidRayClusterSpec", "InvalidRayClusterMetadata");

  private final ObjectEvents events;
  private long next;
  private volatile String uid;
  private String found;

  public RefusalCheck(ObjectEvents events) {
    this.events = events;
  }

  /** Looks again (when due) at the refusals of the object {@code meta} names. */
  public void look(ObjectMeta meta) {
    uid = meta.getUid();
    boolean unchanged = meta.getGeneration() == null || meta.getGeneration() <= 1;
    if (found != null || !unchanged || System.nanoTime() < next) {
      return;
    }
    next = System.nanoTime() + EVERY.toNanos();
    found =
        events.of(uid).stream()
            .filter(e -> "Warning".equals(e.getType()) && REFUSALS.contains(e.getReason()))
            .map(ObjectEvents::text)
            .findFirst()
            .orElse(null);
  }

  public boolean found() {
    return found != null;
  }

  /** The uid of the object last looked at, null before. */
  public String uid() {
    return uid;
  }
}
