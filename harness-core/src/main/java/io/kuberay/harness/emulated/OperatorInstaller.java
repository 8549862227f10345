package io.kuberay.harness.emulated;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.store.FrozenJson;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.install.KubeRayManifests;
import io.kuberay.harness.install.ManifestObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Installs a KubeRay release into the emulated cluster the way the user's command would: every
 * object of the kustomize bundle (or the Helm chart's equivalents), an available operator
 * Deployment and its running pod, so that listing the operator namespace shows what a real install
 * shows. The objects go to the API server as maps, parsed once per JVM, without a client round
 * trip.
 */
final class OperatorInstaller {

  static final String HELM_RELEASE = "kuberay-operator";

  /**
   * The bundles' objects as maps, shared by every environment of the JVM and never changed (the
   * bundles are cached too).
   */
  private static final Map<ManifestObject, Map<String, Object>> PARSED = new ConcurrentHashMap<>();

  private static final Set<String> PREPARED = ConcurrentHashMap.newKeySet();

  private final EmulatedApiServer api;

  OperatorInstaller(EmulatedApiServer api) {
    this.api = api;
  }

  /**
   * Reads and parses the release's bundle in the background, if this JVM has not yet: a cold start
   * then overlaps it with starting the API server (install waits for what is still being parsed). A
   * failure here is reported by {@link #install}, which reads the bundle again.
   */
  static void prepare(EnvironmentSettings settings) {
    if (PREPARED.add(settings.kuberayVersion() + "|" + settings.manifestsDir())) {
      Thread t =
          new Thread(
              () -> {
                try {
                  KubeRayManifests.rawBundle(settings.kuberayVersion(), settings.manifestsDir())
                      .forEach(o -> PARSED.computeIfAbsent(o, OperatorInstaller::parse));
                } catch (RuntimeException e) {
                  // install() reads the bundle itself and reports the problem
                }
              },
              "kuberay-bundle-parser");
      t.setDaemon(true);
      t.start();
    }
  }

  /** Returns the operator's namespace. */
  String install(EnvironmentSettings settings) {
    List<ManifestObject> bundle =
        KubeRayManifests.rawBundle(settings.kuberayVersion(), settings.manifestsDir());
    boolean helm = settings.installMethod() == InstallMethod.HELM;
    String namespace =
        bundle.stream()
            .filter(o -> "Namespace".equals(o.kind()))
            .map(ManifestObject::name)
            .findFirst()
            .orElse("default");
    String operatorNs = helm ? "default" : namespace;
    for (ManifestObject object : bundle) {
      Map<String, Object> parsed = PARSED.computeIfAbsent(object, OperatorInstaller::parse);
      if (object.isCrd()) {
        // About a megabyte of schema each: created as the shared map, never copied.
        api.create(parsed);
        continue;
      }
      if (helm && "Namespace".equals(object.kind())) {
        continue;
      }
      Map<String, Object> copy = JsonText.copy(parsed);
      if (helm) {
        helmify(copy, settings);
      }
      if (isNamespaced(object.kind())) {
        Maps.map(copy.get("metadata")).put("namespace", operatorNs);
      }
      api.create(copy);
    }
    // The Deployment's pod and operator come from OperatorDeployments, as for a user's install.
    return operatorNs;
  }

  /**
   * A CRD's spec (its schema) is kept with its JSON text, so that storing the CRD does not
   * serialize it again.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(ManifestObject object) {
    Map<String, Object> parsed = JsonText.readObject(object.json());
    if (object.isCrd() && parsed.get("spec") instanceof Map<?, ?> spec) {
      parsed.put("spec", FrozenJson.of((Map<String, Object>) spec));
    }
    return parsed;
  }

  private static boolean isNamespaced(String kind) {
    return !List.of("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding")
        .contains(kind);
  }

  /** The kuberay-operator chart names objects like kustomize but labels them for its release. */
  private static void helmify(Map<String, Object> o, EnvironmentSettings settings) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "kuberay-operator");
    labels.put("app.kubernetes.io/instance", HELM_RELEASE);
    labels.put("app.kubernetes.io/managed-by", "Helm");
    labels.put("helm.sh/chart", "kuberay-operator-" + settings.kuberayVersion().number());
    Maps.map(o.get("metadata")).put("labels", labels);
    if ("Deployment".equals(o.get("kind"))) {
      Map<String, Object> spec = Maps.map(o.get("spec"));
      Map<String, Object> podLabels = new LinkedHashMap<>();
      podLabels.put("app.kubernetes.io/name", "kuberay-operator");
      podLabels.put("app.kubernetes.io/instance", HELM_RELEASE);
      podLabels.put("app.kubernetes.io/component", "kuberay-operator");
      Maps.map(Maps.get(spec, "template", "metadata")).put("labels", podLabels);
      Maps.map(spec.get("selector")).put("matchLabels", podLabels);
    }
  }
}
