package io.kuberay.harness.emulated.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deleting a namespace as kube-apiserver and the namespace controller do: the namespace turns
 * Terminating at once (deletionTimestamp, phase Terminating, no new content), and its contents and
 * then the namespace itself go a moment later, so the client that deletes a bundle (namespace
 * first, {@code kubectl delete -k}) still finds each of its objects to delete.
 */
final class NamespaceTermination {

  private static final Logger logger = LoggerFactory.getLogger(NamespaceTermination.class);

  /** About how long the namespace controller takes to start on a deleted namespace. */
  static final long CONTROLLER_DELAY_MILLIS = 1500;

  private static final ScheduledExecutorService CONTROLLER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kuberay-emulator-namespace-controller");
            t.setDaemon(true);
            return t;
          });

  private NamespaceTermination() {}

  /**
   * Marks the namespace Terminating (through {@code replace}) and schedules {@code finish}: the
   * contents' and the namespace's deletion. Returns the Terminating namespace, as the DELETE's
   * answer.
   */
  static MockResponse terminate(
      StoredObject namespace,
      Function<Map<String, Object>, MockResponse> replace,
      Consumer<String> finish) {
    Map<String, Object> object = namespace.object();
    Map<String, Object> metadata = Maps.map(object.get("metadata"));
    if (metadata.get("deletionTimestamp") != null) {
      return ApiErrors.json(200, object);
    }
    metadata.put("deletionTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    metadata.put("deletionGracePeriodSeconds", 0);
    object.put("metadata", metadata);
    object.put("spec", Map.of("finalizers", List.of("kubernetes")));
    object.put("status", Map.of("phase", "Terminating"));
    MockResponse marked = replace.apply(object);
    if (marked.code() >= 300) {
      return marked;
    }
    CONTROLLER.schedule(
        () -> {
          try {
            finish.accept(namespace.name());
          } catch (RuntimeException e) {
            logger.warn("Finishing the deletion of namespace {} failed", namespace.name(), e);
          }
        },
        CONTROLLER_DELAY_MILLIS,
        TimeUnit.MILLISECONDS);
    return marked;
  }

  /** kube-apiserver's answer to a create in a Terminating namespace, if it is one. */
  static Optional<MockResponse> refuseNewContent(
      StoredObject namespace, String resource, String name) {
    if (Maps.map(namespace.object().get("metadata")).get("deletionTimestamp") == null) {
      return Optional.empty();
    }
    return Optional.of(
        ApiErrors.status(
            403,
            "Forbidden",
            resource
                + " \""
                + name
                + "\" is forbidden: unable to create new content in namespace "
                + namespace.name()
                + " because it is being terminated"));
  }
}
