package io.kuberay.harness.emulated.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kuberay.harness.emulated.support.EventCorrelator;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes core/v1 Events as the operator's and kubelet's event recorders do, for diagnostics and
 * kubectl: through client-go's correlation ({@link EventCorrelator}), so a repeated event raises
 * the count of the first one instead of adding another. Events go to the API server as maps,
 * without a client round trip: a recorder has nothing to read back.
 */
public final class EventRecorder {

  /** The last name suffix handed out in this JVM: every recorder's new names are unique. */
  private static final AtomicLong LAST_NANOS = new AtomicLong();

  /** Where a recorder's events go. */
  public interface Sink {
    void create(Map<String, Object> event);

    /**
     * Merge-patches an earlier event of the namespace; false when it is gone (then the recorder
     * creates it anew, as client-go does).
     */
    boolean patch(String namespace, String name, Map<String, Object> patch);
  }

  private final Sink sink;
  private final String component;
  private final Clock clock;
  private final EventCorrelator correlator;

  public EventRecorder(EmulatedApiServer api, String component) {
    this(
        new Sink() {
          @Override
          public void create(Map<String, Object> event) {
            api.create(event);
          }

          @Override
          public boolean patch(String namespace, String name, Map<String, Object> patch) {
            return api.patch("/api/v1/namespaces/" + namespace + "/events/" + name, patch);
          }
        },
        component,
        Clock.systemUTC());
  }

  EventRecorder(Sink sink, String component, Clock clock) {
    this.sink = sink;
    this.component = component;
    this.clock = clock;
    this.correlator = new EventCorrelator(clock);
  }

  /**
   * A recorder of another component writing to the same place: what a controller emulated inside
   * another one reports (the Job controller's part in the operator's submitter).
   */
  public EventRecorder forComponent(String other) {
    return new EventRecorder(sink, other, clock);
  }

  public void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  public void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    Instant instant = clock.instant();
    String now = instant.truncatedTo(ChronoUnit.SECONDS).toString();
    String namespace = object.getMetadata().getNamespace();
    // A cluster-scoped object's events (a Node's) live in "default", as Kubernetes records them.
    String eventNamespace = namespace == null ? "default" : namespace;
    EventCorrelator.Key key =
        new EventCorrelator.Key(
            component,
            object.getKind(),
            namespace,
            object.getMetadata().getName(),
            object.getMetadata().getUid(),
            object.getApiVersion(),
            type,
            reason);
    EventCorrelator.Result result =
        correlator.correlate(key, message, newName(object, instant), now);
    try {
      switch (result.decision()) {
        case SKIP -> {}
        case UPDATE -> {
          Map<String, Object> patch = new LinkedHashMap<>();
          patch.put("count", result.count());
          patch.put("lastTimestamp", now);
          patch.put("message", result.message());
          if (!sink.patch(eventNamespace, result.name(), patch)) {
            sink.create(event(object, eventNamespace, type, reason, result, now));
          }
        }
        case CREATE -> sink.create(event(object, eventNamespace, type, reason, result, now));
      }
    } catch (RuntimeException e) {
      // Events are best effort, as in Kubernetes.
    }
  }

  /** {@code <object>.<unix nanos in hex>}, as client-go names events; unique in the JVM. */
  private String newName(HasMetadata object, Instant at) {
    long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
    long unique = LAST_NANOS.accumulateAndGet(nanos, (last, n) -> Math.max(last + 1, n));
    return object.getMetadata().getName() + "." + Long.toHexString(unique);
  }

  private Map<String, Object> event(
      HasMetadata object,
      String eventNamespace,
      String type,
      String reason,
      EventCorrelator.Result result,
      String now) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", result.name());
    metadata.put("namespace", eventNamespace);
    Map<String, Object> involved = new LinkedHashMap<>();
    involved.put("apiVersion", object.getApiVersion());
    involved.put("kind", object.getKind());
    involved.put("name", object.getMetadata().getName());
    involved.put("namespace", object.getMetadata().getNamespace());
    involved.put("uid", object.getMetadata().getUid());
    involved.values().removeIf(Objects::isNull);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("apiVersion", "v1");
    event.put("kind", "Event");
    event.put("metadata", metadata);
    event.put("involvedObject", involved);
    event.put("type", type);
    event.put("reason", reason);
    event.put("message", result.message());
    event.put("count", result.count());
    event.put("firstTimestamp", result.firstTimestamp());
    event.put("lastTimestamp", now);
    event.put("source", Map.of("component", component));
    return event;
  }
}
