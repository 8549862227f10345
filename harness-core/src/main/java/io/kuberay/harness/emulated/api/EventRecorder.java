package io.kuberay.harness.emulated.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Writes core/v1 Events as the operator's and kubelet's event recorders do, for diagnostics and
 * kubectl. Events go to the API server as maps, without a client round trip: a recorder has nothing
 * to read back.
 */
public final class EventRecorder {

  private final Consumer<Map<String, Object>> create;
  private final String component;

  /**
   * @param create creates an object in the API server ({@link EmulatedApiServer#create})
   */
  public EventRecorder(Consumer<Map<String, Object>> create, String component) {
    this.create = create;
    this.component = component;
  }

  public void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  public void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String namespace = object.getMetadata().getNamespace();
    // A cluster-scoped object's events (a Node's) live in "default", as Kubernetes records them.
    String eventNamespace = namespace == null ? "default" : namespace;
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put(
        "name",
        object.getMetadata().getName()
            + "."
            + Long.toHexString(ThreadLocalRandom.current().nextLong()).toLowerCase(Locale.ROOT));
    metadata.put("namespace", eventNamespace);
    Map<String, Object> involved = new LinkedHashMap<>();
    involved.put("apiVersion", object.getApiVersion());
    involved.put("kind", object.getKind());
    involved.put("name", object.getMetadata().getName());
    involved.put("namespace", namespace);
    involved.put("uid", object.getMetadata().getUid());
    involved.values().removeIf(Objects::isNull);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("apiVersion", "v1");
    event.put("kind", "Event");
    event.put("metadata", metadata);
    event.put("involvedObject", involved);
    event.put("type", type);
    event.put("reason", reason);
    event.put("message", message);
    event.put("count", 1);
    event.put("firstTimestamp", now);
    event.put("lastTimestamp", now);
    event.put("source", Map.of("component", component));
    try {
      create.accept(event);
    } catch (RuntimeException e) {
      // Events are best effort, as in Kubernetes.
    }
  }
}
