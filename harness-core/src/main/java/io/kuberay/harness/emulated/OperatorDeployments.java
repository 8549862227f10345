package io.kuberay.harness.emulated;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.operator.OperatorFlavor;
import io.kuberay.harness.emulated.operator.OperatorOptions;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KubeRay operator's Deployment runs the operator: a Deployment whose container runs the
 * KubeRay operator image ({@code quay.io/kuberay/operator:v1.1.0}, from {@code kubectl create -k},
 * {@code helm install kuberay-operator} or the harness's own install) starts the emulated operator
 * of the release in the image tag with the container's command line and environment ({@link
 * OperatorOptions}: feature gates, watched namespaces, env flags such as {@code
 * ENABLE_GCS_FT_REDIS_CLEANUP}), as if the Deployment's pod had started. A change of the pod
 * template ({@code kubectl rollout restart}, {@code kubectl set image}, new args) replaces pod and
 * operator as a rollout would; deleting the Deployment or scaling it to zero stops it. A command
 * line the real operator exits on leaves the Deployment unavailable with that message. One operator
 * runs at a time, as two real ones would fight over every RayCluster.
 */
final class OperatorDeployments implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(OperatorDeployments.class);
  private static final ResourceRef DEPLOYMENTS = new ResourceRef("apps", "v1", "deployments");

  private final EmulatedApiServer api;
  private final Function<OperatorFlavor, AutoCloseable> operators;
  private final EventRecorder events;

  /**
   * How soon a refused operator pod is tried again (its ServiceAccount may come with the next
   * apply).
   */
  private static final Duration POD_RETRY = Duration.ofSeconds(2);

  private final ReconcileLoop loop = new ReconcileLoop("operator-deployments", this::reconcile);
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Map<String, String> refused = new ConcurrentHashMap<>();
  private final Map<String, String> hashes = new ConcurrentHashMap<>();
  private ObjectEvents.Subscription watch;
  private ObjectEvents.Subscription podWatch;

  private static final ResourceRef PODS = new ResourceRef("", "v1", "pods");

  /** A started operator, and the pod template it was started from. */
  private record Running(
      OperatorFlavor flavor, String template, String podTemplateHash, AutoCloseable operator) {}

  OperatorDeployments(EmulatedApiServer api, Function<OperatorFlavor, AutoCloseable> operators) {
    this.api = api;
    this.operators = operators;
    this.events = new EventRecorder(api, "kuberay-harness");
  }

  OperatorDeployments start() {
    watch = api.watch(DEPLOYMENTS, null, (type, d) -> loop.enqueue(d.namespace() + "/" + d.name()));
    // The Deployment is available once its pod is ready.
    podWatch =
        api.watch(
            PODS,
            null,
            (type, p) -> {
              String hash = p.labels().get("pod-template-hash");
              String key = hash == null ? null : hashes.get(hash);
              if (key != null) {
                loop.enqueue(key);
              }
            });
    return this;
  }

  /** The namespace of the running operator's Deployment. */
  Optional<String> namespace() {
    return running.keySet().stream().findFirst().map(k -> k.substring(0, k.indexOf('/')));
  }

  /** Whether an operator runs for a Deployment; for waiting after an install. */
  boolean isRunning() {
    return !running.isEmpty();
  }

  private void reconcile(String key) {
    String namespace = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    Optional<Map<String, Object>> deployment =
        api.read("/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name);
    Optional<Map<String, Object>> container =
        deployment
            .filter(d -> Maps.integer(d, "spec", "replicas").orElse(1) != 0)
            .flatMap(OperatorDeployments::operatorContainer);
    Optional<String> image = container.map(c -> String.valueOf(c.get("image")));
    String template = deployment.map(d -> Json.write(Maps.get(d, "spec", "template"))).orElse("");
    Running current = running.get(key);
    if (current != null && (image.isEmpty() || !template.equals(current.template()))) {
      stop(key, namespace, current);
      current = null;
    }
    if (image.isEmpty()) {
      refused.remove(key);
      return;
    }
    if (current != null) {
      reportAvailable(key, namespace, name, current);
      return;
    }
    Optional<KubeRayVersion> version = release(image.get(), key);
    if (version.isEmpty()) {
      refuse(
          key,
          namespace,
          name,
          template,
          "UnsupportedRelease",
          "the emulated KubeRay operator runs releases "
              + KubeRayVersion.SUPPORTED
              + ", not the image "
              + image.get()
              + "; use one of their images (quay.io/kuberay/operator:v1.1.0, ...)");
      return;
    }
    OperatorOptions options;
    try {
      options = OperatorOptions.fromContainer(version.get(), container.get());
    } catch (IllegalArgumentException e) {
      refuse(
          key,
          namespace,
          name,
          template,
          "OperatorExited",
          "the KubeRay "
              + version.get()
              + " operator exits on its command line, as the real one does: "
              + e.getMessage());
      return;
    }
    Optional<String> other = running.keySet().stream().findFirst();
    if (other.isPresent()) {
      refuse(
          key,
          namespace,
          name,
          template,
          "OperatorAlreadyRunning",
          "the KubeRay operator of Deployment "
              + other.get()
              + " already runs in this emulated cluster; delete it first (two operators would both reconcile every RayCluster)");
      return;
    }
    refused.remove(key);
    String hash;
    try {
      hash = DeploymentRollout.startPod(api, namespace, name);
    } catch (DeploymentRollout.PodRefused e) {
      // kube-controller-manager's ReplicaSet controller would say this on the ReplicaSet, which
      // the operator's Deployment does not get here; no pod, no operator, retried.
      Optional.ofNullable(
              api.client().apps().deployments().inNamespace(namespace).withName(name).get())
          .ifPresent(d -> events.warning(d, "FailedCreate", "Error creating: " + e.getMessage()));
      loop.enqueueAfter(key, POD_RETRY);
      return;
    }
    OperatorFlavor flavor = new OperatorFlavor(version.get(), options);
    AutoCloseable operator;
    try {
      operator = operators.apply(flavor);
    } catch (RuntimeException e) {
      DeploymentRollout.stop(api, namespace, hash);
      throw e;
    }
    hashes.put(hash, key);
    running.put(key, new Running(flavor, template, hash, operator));
    logger.info("Emulated {} started for Deployment {}", options, key);
    // The pod's Ready may have come while the operator started, before its hash led here.
    loop.enqueue(key);
    if (!options.notEmulated().isEmpty()) {
      String message =
          "the emulated KubeRay operator does not carry out "
              + String.join(", ", options.notEmulated())
              + ": it behaves as the release does without them (see docs/PARITY.md)";
      logger.warn("Deployment {}: {}", key, message);
      Optional.ofNullable(
              api.client().apps().deployments().inNamespace(namespace).withName(name).get())
          .ifPresent(d -> events.warning(d, "NotEmulated", message));
    }
  }

  /**
   * Writes the Deployment's available status once its pod is Ready, for the Deployment's current
   * generation (what {@code kubectl rollout status} waits for), and not again.
   */
  private void reportAvailable(String key, String namespace, String name, Running current) {
    Optional<Map<String, Object>> deployment =
        api.read("/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name);
    if (deployment.isEmpty()
        || (Maps.integer(deployment.get(), "status", "availableReplicas").orElse(0) > 0
            && Maps.integer(deployment.get(), "status", "observedGeneration")
                .equals(Maps.integer(deployment.get(), "metadata", "generation")))) {
      return;
    }
    Map<String, Object> pods =
        api.read("/api/v1/namespaces/" + namespace + "/pods").orElse(Map.of());
    boolean ready =
        Maps.list(pods.get("items")).stream()
            .filter(
                p ->
                    current
                        .podTemplateHash()
                        .equals(Maps.get(Maps.map(p), "metadata", "labels", "pod-template-hash")))
            .flatMap(p -> Maps.list(Maps.get(Maps.map(p), "status", "conditions")).stream())
            .map(Maps::map)
            .anyMatch(c -> "Ready".equals(c.get("type")) && "True".equals(c.get("status")));
    if (ready) {
      DeploymentRollout.markAvailable(api, namespace, name);
    }
  }

  private void stop(String key, String namespace, Running current) {
    running.remove(key);
    hashes.remove(current.podTemplateHash());
    try {
      current.operator().close();
    } catch (Exception e) {
      logger.warn("Stopping the emulated operator of Deployment {} failed", key, e);
    }
    DeploymentRollout.stop(api, namespace, current.podTemplateHash());
    logger.info(
        "Emulated KubeRay {} operator of Deployment {} stopped", current.flavor().version(), key);
  }

  /**
   * The Deployment stays unavailable and says why; written once per image, since writing the status
   * is itself a change.
   */
  private void refuse(
      String key, String namespace, String name, String template, String reason, String message) {
    if (template.equals(refused.put(key, template))) {
      return;
    }
    logger.warn("Deployment {}: {}", key, message);
    api.read("/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name)
        .ifPresent(
            d -> {
              Map<String, Object> condition = new LinkedHashMap<>();
              condition.put("type", "Available");
              condition.put("status", "False");
              condition.put("reason", reason);
              condition.put("message", message);
              Map<String, Object> status = new LinkedHashMap<>();
              status.put("replicas", 0);
              status.put("unavailableReplicas", 1);
              status.put("conditions", List.of(condition));
              d.put("status", status);
              api.replace(
                  "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name + "/status", d);
            });
  }

  /** The first container image of the template that is KubeRay's operator. */
  static Optional<String> operatorImage(Map<String, Object> deployment) {
    return operatorContainer(deployment).map(c -> String.valueOf(c.get("image")));
  }

  /** The first container of the template whose image is KubeRay's operator. */
  private static Optional<Map<String, Object>> operatorContainer(Map<String, Object> deployment) {
    for (Object c : Maps.list(Maps.get(deployment, "spec", "template", "spec", "containers"))) {
      String image = String.valueOf(Maps.map(c).get("image"));
      String repository = image.contains(":") ? image.substring(0, image.lastIndexOf(':')) : image;
      if (repository.endsWith("kuberay/operator")
          || repository.endsWith("/kuberay-operator")
          || repository.equals("kuberay-operator")) {
        return Optional.of(Maps.map(c));
      }
    }
    return Optional.empty();
  }

  /** The release in the image tag, when the emulator has that release. */
  private static Optional<KubeRayVersion> release(String image, String key) {
    String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "latest";
    try {
      return Optional.of(KubeRayVersion.of(tag));
    } catch (IllegalArgumentException e) {
      logger.debug("Deployment {}: image tag {} is not a supported release", key, tag, e);
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    if (podWatch != null) {
      podWatch.close();
    }
    loop.close();
    running.forEach(
        (key, r) -> {
          try {
            r.operator().close();
          } catch (Exception e) {
            logger.warn("Stopping the emulated operator of Deployment {} failed", key, e);
          }
        });
    running.clear();
  }
}
