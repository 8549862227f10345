package io.kuberay.harness.emulated.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * A namespace's life as the control plane makes it. While it is Active, kube-controller-manager's
 * serviceaccounts controller keeps ServiceAccount {@code default} in it and the
 * root-ca-cert-publisher ConfigMap {@code kube-root-ca.crt} (the API server's CA as {@code ca.crt},
 * the description annotation): {@link #missingObjects} and {@link #restoredRootCa} say what to
 * create or write back (the dispatcher does it within the request that made the namespace or
 * deleted or changed those objects). Deleting it, as kube-apiserver and the namespace controller
 * do: the namespace turns Terminating at once (deletionTimestamp, phase Terminating, no new
 * content), and its contents and then the namespace itself go a moment later, so the client that
 * deletes a bundle (namespace first, {@code kubectl delete -k}) still finds each of its objects to
 * delete.
 */
final class NamespaceLifecycle {

  private static final Logger logger = LoggerFactory.getLogger(NamespaceLifecycle.class);

  static final String DEFAULT_SERVICE_ACCOUNT = "default";
  static final String ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
  private static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";

  /** The root-ca-cert-publisher's Description (Kubernetes 1.31). */
  private static final String DESCRIPTION =
      "Contains a CA bundle that can be used to verify the kube-apiserver when using internal"
          + " endpoints such as the internal service IP or kubernetes.default.svc. No other usage"
          + " is guaranteed across distributions of Kubernetes clusters.";

  /** About how long the namespace controller takes to start on a deleted namespace. */
  static final long CONTROLLER_DELAY_MILLIS = 1500;

  private static final ScheduledExecutorService CONTROLLER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kuberay-emulator-namespace-controller");
            t.setDaemon(true);
            return t;
          });

  private NamespaceLifecycle() {}

  static boolean terminating(StoredObject namespace) {
    return Maps.map(namespace.object().get("metadata")).get("deletionTimestamp") != null
        || "Terminating".equals(Maps.get(namespace.object(), "status", "phase"));
  }

  /**
   * What the two controllers would create in an Active namespace that lacks it: the collection
   * (relative to the namespace, {@code serviceaccounts} or {@code configmaps}) and the object.
   */
  static List<Map.Entry<String, Map<String, Object>>> missingObjects(
      boolean hasDefaultAccount, boolean hasRootCa, String caPem) {
    List<Map.Entry<String, Map<String, Object>>> missing = new ArrayList<>();
    if (!hasDefaultAccount) {
      Map<String, Object> account = new LinkedHashMap<>();
      account.put("apiVersion", "v1");
      account.put("kind", "ServiceAccount");
      account.put("metadata", new LinkedHashMap<>(Map.of("name", DEFAULT_SERVICE_ACCOUNT)));
      missing.add(Map.entry("serviceaccounts", account));
    }
    if (!hasRootCa) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("name", ROOT_CA_CONFIG_MAP);
      metadata.put("annotations", new LinkedHashMap<>(Map.of(DESCRIPTION_ANNOTATION, DESCRIPTION)));
      Map<String, Object> configMap = new LinkedHashMap<>();
      configMap.put("apiVersion", "v1");
      configMap.put("kind", "ConfigMap");
      configMap.put("metadata", metadata);
      configMap.put("data", new LinkedHashMap<>(Map.of("ca.crt", caPem)));
      missing.add(Map.entry("configmaps", configMap));
    }
    return missing;
  }

  /**
   * The publisher's sync of an existing {@code kube-root-ca.crt}: its data must be exactly the CA
   * and the description annotation present; otherwise the ConfigMap to write back.
   */
  static Optional<Map<String, Object>> restoredRootCa(Map<String, Object> configMap, String caPem) {
    Map<String, Object> metadata = Maps.map(configMap.get("metadata"));
    Map<String, Object> annotations = Maps.map(metadata.get("annotations"));
    Object description = annotations.get(DESCRIPTION_ANNOTATION);
    if (Map.of("ca.crt", caPem).equals(configMap.get("data"))
        && description != null
        && !String.valueOf(description).isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> restored = new LinkedHashMap<>(configMap);
    Map<String, Object> newMetadata = new LinkedHashMap<>(metadata);
    Map<String, Object> newAnnotations = new LinkedHashMap<>(annotations);
    newAnnotations.put(DESCRIPTION_ANNOTATION, DESCRIPTION);
    newMetadata.put("annotations", newAnnotations);
    restored.put("metadata", newMetadata);
    restored.put("data", new LinkedHashMap<>(Map.of("ca.crt", caPem)));
    return Optional.of(restored);
  }

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
    if (!terminating(namespace)) {
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
