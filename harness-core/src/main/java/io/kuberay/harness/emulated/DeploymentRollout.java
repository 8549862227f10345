package io.kuberay.harness.emulated;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.Maps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The KubeRay operator's Deployment is not run by the emulated Deployment controller ({@code
 * emulated.node.workloads}), which leaves it alone: this starts its one pod (naming a ReplicaSet
 * that is not stored) and reports it available, for {@link OperatorDeployments}.
 */
final class DeploymentRollout {

  private static final ResourceRef PODS = new ResourceRef("", "v1", "pods");

  private DeploymentRollout() {}

  private static String createPod(EmulatedApiServer api, String namespace, String name) {
    Map<String, Object> deployment =
        api.read("/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "There is no Deployment "
                            + namespace
                            + "/"
                            + name
                            + " (the KubeRay bundle must contain the kuberay-operator Deployment)"));
    String hash =
        Long.toHexString(ThreadLocalRandom.current().nextLong())
            .substring(0, 10)
            .toLowerCase(Locale.ROOT);
    Map<String, Object> template = Maps.map(Maps.get(deployment, "spec", "template"));
    Map<String, Object> labels =
        new LinkedHashMap<>(Maps.map(Maps.get(template, "metadata", "labels")));
    labels.put("pod-template-hash", hash);
    Map<String, Object> owner = new LinkedHashMap<>();
    owner.put("apiVersion", "apps/v1");
    owner.put("kind", "ReplicaSet");
    owner.put("name", name + "-" + hash);
    owner.put("uid", UUID.randomUUID().toString());
    owner.put("controller", true);
    owner.put("blockOwnerDeletion", true);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("generateName", name + "-" + hash + "-");
    metadata.put("namespace", namespace);
    metadata.put("labels", labels);
    metadata.put("ownerReferences", List.of(owner));
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    pod.put("metadata", metadata);
    pod.put("spec", Maps.map(template.get("spec")));
    MockResponse created =
        api.dispatcher().create("/api/v1/namespaces/" + namespace + "/pods", pod);
    if (created.code() >= 300) {
      String body = created.getBody() == null ? "" : created.getBody().readUtf8();
      Object message = JsonText.readObject(body).get("message");
      throw new PodRefused(message == null ? created.code() + " " + body : String.valueOf(message));
    }
    return hash;
  }

  /** The API server refused the pod (e.g. its ServiceAccount does not exist): its message. */
  static final class PodRefused extends RuntimeException {
    PodRefused(String apiMessage) {
      super(apiMessage);
    }
  }

  /**
   * Only the pod: the caller reports the Deployment available ({@link #markAvailable}) once the pod
   * is ready, as the controller would.
   */
  static String startPod(EmulatedApiServer api, String namespace, String name) {
    return createPod(api, namespace, name);
  }

  /** The Deployment's status once its one pod is ready. */
  static void markAvailable(EmulatedApiServer api, String namespace, String name) {
    Map<String, Object> deployment =
        api.read("/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name).orElse(null);
    if (deployment == null) {
      return;
    }
    Map<String, Object> condition = new LinkedHashMap<>();
    condition.put("type", "Available");
    condition.put("status", "True");
    condition.put("reason", "MinimumReplicasAvailable");
    condition.put("message", "Deployment has minimum availability.");
    Map<String, Object> status = new LinkedHashMap<>();
    status.put(
        "observedGeneration", Maps.map(deployment.get("metadata")).getOrDefault("generation", 1));
    status.put("replicas", 1);
    status.put("updatedReplicas", 1);
    status.put("readyReplicas", 1);
    status.put("availableReplicas", 1);
    status.put("conditions", List.of(condition));
    deployment.put("status", status);
    api.replace(
        "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name + "/status", deployment);
  }

  /** The Deployment's pod goes, as when the Deployment is deleted or scaled to zero. */
  static void stop(EmulatedApiServer api, String namespace, String hash) {
    api.dispatcher()
        .store()
        .deleteAll(PODS, namespace, o -> hash.equals(o.labels().get("pod-template-hash")));
  }
}
