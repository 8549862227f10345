package io.kuberay.harness.k3s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuberay.harness.KubeRayEnvironment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The writes the API server refuses by KubeRay's CRDs: their validation rules ({@code
 * x-kubernetes-validations}: managedBy's values and immutability, deletionStrategy's shape) on a
 * create, an update and a patch, and the schema on a patch. The code, message and the causes
 * kubectl prints are compared; no pod is started.
 */
final class RefusalCase {

  private static final KubernetesSerialization SERDE = new KubernetesSerialization();

  private RefusalCase() {}

  static Observation refusals(KubeRayEnvironment env) {
    String ns = env.createNamespace("parity-refusals");
    KubernetesClient client = env.client();
    var jobs = client.genericKubernetesResources("ray.io/v1", "RayJob").inNamespace(ns);
    var clusters = client.genericKubernetesResources("ray.io/v1", "RayCluster").inNamespace(ns);
    Observation o = new Observation();
    try {
      record(
          o,
          "create.job.managedBy",
          () -> jobs.resource(job("bad-owner", Map.of("managedBy", "someone"))).create());
      record(
          o,
          "create.job.deletionStrategy",
          () ->
              jobs.resource(
                      job(
                          "half-strategy",
                          Map.of(
                              "deletionStrategy",
                              Map.of("onSuccess", Map.of("policy", "DeleteCluster")))))
                  .create());
      record(
          o,
          "create.cluster.managedBy",
          () ->
              clusters
                  .resource(
                      resource(
                          "RayCluster",
                          "bad-owner",
                          Map.of("managedBy", "someone", "headGroupSpec", headGroup())))
                  .create());
      // Left to another controller, so that no operator writes its status between the reads and
      // the writes below.
      jobs.resource(job("owned", Map.of("managedBy", "kueue.x-k8s.io/multikueue"))).create();
      record(
          o,
          "update.job.managedBy",
          () -> {
            GenericKubernetesResource current = jobs.withName("owned").get();
            @SuppressWarnings("unchecked")
            Map<String, Object> spec =
                (Map<String, Object>) current.getAdditionalProperties().get("spec");
            spec.put("managedBy", "ray.io/kuberay-operator");
            return jobs.resource(current).update();
          });
      record(
          o,
          "patch.job.managedBy",
          () ->
              jobs.withName("owned")
                  .patch(
                      PatchContext.of(PatchType.JSON_MERGE),
                      "{\"spec\":{\"managedBy\":\"ray.io/kuberay-operator\"}}"));
      record(
          o,
          "patch.job.schema",
          () ->
              jobs.withName("owned")
                  .patch(
                      PatchContext.of(PatchType.JSON_MERGE),
                      "{\"spec\":{\"deletionStrategy\":{\"onSuccess\":{\"policy\":\"Sometimes\"},"
                          + "\"onFailure\":{\"policy\":\"DeleteNone\"}},\"backoffLimit\":\"two\"}}"));
    } finally {
      env.deleteNamespace(ns);
    }
    return o;
  }

  /** The write's outcome: a refusal's code, message and causes, or that it was accepted. */
  private static void record(Observation o, String name, Supplier<?> write) {
    try {
      write.get();
      o.put("refusal." + name, "accepted");
    } catch (KubernetesClientException e) {
      Status status = e.getStatus();
      o.put("refusal." + name + ".code", Integer.toString(e.getCode()));
      String message = status == null ? e.getMessage() : status.getMessage();
      if (status != null && status.getDetails() != null) {
        // k3s listed several schema errors in another order than the object's fields (its
        // validator's own order): compared as a set, and the message up to its list.
        o.put(
            "refusal." + name + ".causes",
            status.getDetails().getCauses().stream()
                .map(RefusalCase::cause)
                .sorted()
                .collect(Collectors.joining(" | ")));
        if (status.getDetails().getCauses().size() > 1) {
          message = message.substring(0, message.indexOf('[') + 1) + "...]";
        }
      }
      o.put("refusal." + name + ".message", message);
    }
  }

  private static String cause(StatusCause c) {
    return c.getField() + " " + c.getReason() + " " + c.getMessage();
  }

  private static GenericKubernetesResource job(String name, Map<String, Object> extra) {
    Map<String, Object> spec = new LinkedHashMap<>(extra);
    spec.put("entrypoint", "python -c 'print(1)'");
    return resource("RayJob", name, spec);
  }

  private static Map<String, Object> headGroup() {
    return Map.of(
        "rayStartParams",
        Map.of(),
        "template",
        Map.of(
            "spec",
            Map.of(
                "containers",
                List.of(Map.of("name", "ray-head", "image", "rayproject/ray:2.46.0")))));
  }

  private static GenericKubernetesResource resource(
      String kind, String name, Map<String, Object> spec) {
    return SERDE.unmarshal(
        SERDE.asJson(
            Map.of(
                "apiVersion",
                "ray.io/v1",
                "kind",
                kind,
                "metadata",
                Map.of("name", name),
                "spec",
                spec)),
        GenericKubernetesResource.class);
  }
}
