package io.kuberay.harness.emulated;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.install.KubeRayManifests;
import io.kuberay.harness.install.ManifestObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Installs a KubeRay release into the emulated cluster the way the user's command would: every object of
 * the kustomize bundle (or the Helm chart's equivalents), an available operator Deployment and its running
 * pod, so that listing the operator namespace shows what a real install shows.
 */
final class OperatorInstaller {

  static final String HELM_RELEASE = "kuberay-operator";

  /** CRDs as maps, shared by every environment of the JVM and never changed (the bundles are cached too). */
  private static final Map<ManifestObject, Map<String, Object>> PARSED_CRDS = new java.util.concurrent.ConcurrentHashMap<>();

  private final KubernetesClient client;
  private final EmulatedApiServer api;

  OperatorInstaller(EmulatedApiServer api) {
    this.api = api;
    this.client = api.client();
  }

  /** Returns the operator's namespace. */
  String install(EnvironmentSettings settings) {
    List<ManifestObject> bundle = KubeRayManifests.rawBundle(settings.kuberayVersion(), settings.manifestsDir());
    boolean helm = settings.installMethod() == InstallMethod.HELM;
    String namespace = bundle.stream().filter(o -> "Namespace".equals(o.kind())).map(ManifestObject::name).findFirst().orElse("default");
    String operatorNs = helm ? "default" : namespace;
    for (ManifestObject object : bundle) {
      if (object.isCrd()) {
        // No client round trip, and parsed once per JVM: each CRD is about a megabyte of schema.
        api.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", PARSED_CRDS.computeIfAbsent(object, o -> JsonText.readObject(o.json())));
        continue;
      }
      if (helm && "Namespace".equals(object.kind())) {
        continue;
      }
      GenericKubernetesResource copy = Json.SERDE.unmarshal(object.json(), GenericKubernetesResource.class);
      if (helm) {
        helmify(copy, settings);
      }
      if (isNamespaced(copy)) {
        copy.getMetadata().setNamespace(operatorNs);
      }
      client.resource(copy).create();
    }
    startOperatorPod(operatorNs);
    return operatorNs;
  }

  private static boolean isNamespaced(HasMetadata o) {
    return !List.of("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding").contains(o.getKind());
  }

  /** The kuberay-operator chart names objects like kustomize but labels them for its release. */
  private static void helmify(GenericKubernetesResource o, EnvironmentSettings settings) {
    if ("CustomResourceDefinition".equals(o.getKind())) {
      return;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "kuberay-operator");
    labels.put("app.kubernetes.io/instance", HELM_RELEASE);
    labels.put("app.kubernetes.io/managed-by", "Helm");
    labels.put("helm.sh/chart", "kuberay-operator-" + settings.kuberayVersion().number());
    o.getMetadata().setLabels(labels);
    if ("Deployment".equals(o.getKind())) {
      Map<String, Object> spec = Maps.map(o.getAdditionalProperties().get("spec"));
      Map<String, String> podLabels = new LinkedHashMap<>();
      podLabels.put("app.kubernetes.io/name", "kuberay-operator");
      podLabels.put("app.kubernetes.io/instance", HELM_RELEASE);
      podLabels.put("app.kubernetes.io/component", "kuberay-operator");
      Maps.map(Maps.get(spec, "template", "metadata")).put("labels", podLabels);
      Maps.map(spec.get("selector")).put("matchLabels", podLabels);
    }
  }

  private void startOperatorPod(String namespace) {
    Deployment deployment = client.apps().deployments().inNamespace(namespace).withName("kuberay-operator").get();
    if (deployment == null) {
      throw new IllegalStateException("The KubeRay bundle did not contain the kuberay-operator Deployment");
    }
    String hash = Long.toHexString(ThreadLocalRandom.current().nextLong()).substring(0, 10).toLowerCase(Locale.ROOT);
    PodTemplateSpec template = deployment.getSpec().getTemplate();
    Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata()
        .withGenerateName("kuberay-operator-" + hash + "-")
        .withNamespace(namespace)
        .withLabels(new LinkedHashMap<>(template.getMetadata().getLabels()))
        .addToLabels("pod-template-hash", hash)
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName("kuberay-operator-" + hash)
        .withUid(java.util.UUID.randomUUID().toString())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .endOwnerReference()
        .endMetadata()
        .withSpec(Json.copy(template.getSpec()))
        .build();
    client.resource(pod).create();
    client.apps().deployments().inNamespace(namespace).withName("kuberay-operator").editStatus(d -> {
      d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
          .withObservedGeneration(1L)
          .withReplicas(1)
          .withUpdatedReplicas(1)
          .withReadyReplicas(1)
          .withAvailableReplicas(1)
          .addNewCondition()
          .withType("Available")
          .withStatus("True")
          .withReason("MinimumReplicasAvailable")
          .withMessage("Deployment has minimum availability.")
          .endCondition()
          .build());
      return d;
    });
  }
}
