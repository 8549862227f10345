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

  private final KubernetesClient client;

  OperatorInstaller(KubernetesClient client) {
    this.client = client;
  }

  /** Returns the operator's namespace. */
  String install(EnvironmentSettings settings) {
    List<GenericKubernetesResource> bundle = KubeRayManifests.kustomizeBundle(settings.kuberayVersion(), settings.manifestsDir());
    String namespace = bundle.stream()
        .filter(o -> "Namespace".equals(o.getKind()))
        .map(o -> o.getMetadata().getName())
        .findFirst()
        .orElse("default");
    for (GenericKubernetesResource object : bundle) {
      GenericKubernetesResource copy = Json.copy(object);
      if (settings.installMethod() == InstallMethod.HELM) {
        helmify(copy, settings);
        if ("Namespace".equals(copy.getKind())) {
          continue;
        }
      }
      if (copy.getMetadata().getNamespace() != null || isNamespaced(copy)) {
        copy.getMetadata().setNamespace(settings.installMethod() == InstallMethod.HELM ? "default" : namespace);
      }
      client.resource(copy).create();
    }
    String operatorNs = settings.installMethod() == InstallMethod.HELM ? "default" : namespace;
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
