package io.kuberay.harness.install;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs a KubeRay release into a real cluster the two ways of the quick-start — the kustomize
 * bundle ({@code kubectl create -k}) or the {@code kuberay-operator} Helm chart — and waits until
 * the operator Deployment is available. Helm runs in the JVM through helm-java, so users need no
 * helm binary.
 */
public final class KubeRayInstaller {

  /** The Helm release name of the operator chart, as in the quick-start. */
  public static final String OPERATOR_RELEASE = "kuberay-operator";

  private static final Logger logger = LoggerFactory.getLogger(KubeRayInstaller.class);
  private static final KubernetesSerialization SERDE = new KubernetesSerialization();
  private static final String FIELD_MANAGER = "kuberay-harness";
  private static final Set<String> IMAGE_PULL_ERRORS =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");

  private final KubernetesClient client;
  private final String kubeconfig;
  private final ManifestSource source;

  /**
   * @param client a client of the cluster
   * @param kubeconfig a kubeconfig (YAML) whose current context is that cluster, for Helm
   * @param source where the release data comes from
   */
  public KubeRayInstaller(KubernetesClient client, String kubeconfig, ManifestSource source) {
    this.client = Objects.requireNonNull(client, "client");
    this.kubeconfig = Objects.requireNonNull(kubeconfig, "kubeconfig");
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * Installs {@code version} unless an operator of that version is already there (then it is
   * reused).
   *
   * @throws IllegalStateException when an operator of another version is installed and {@code
   *     options.force()} is false
   */
  public Installation install(
      KubeRayVersion version, InstallMethod method, InstallOptions options) {
    List<InstalledOperator> present = InstalledOperator.findAll(client);
    Optional<InstalledOperator> same =
        present.stream().filter(o -> o.isVersion(version.number())).findFirst();
    if (same.isPresent() && !options.force()) {
      logger.info("KubeRay {} is already installed ({}); using it", version, same.get());
      awaitAvailable(same.get().namespace(), same.get().name(), options.timeout());
      return new Installation(
          same.get().namespace(), same.get().name(), List.of(), Optional.empty(), true);
    }
    List<InstalledOperator> others =
        present.stream().filter(o -> !o.isVersion(version.number())).toList();
    if (!others.isEmpty() && !options.force()) {
      throw new IllegalStateException(
          "The cluster already runs a KubeRay operator: "
              + others.stream().map(Object::toString).collect(Collectors.joining(", "))
              + ". The harness will not install KubeRay "
              + version
              + " over it (the CRDs are shared cluster-wide and two"
              + " operators would both reconcile every RayCluster). Use kuberay.version="
              + others.get(0).version().map(v -> "v" + v).orElse("<its version>")
              + ", uninstall it, or set "
              + InstallOptions.FORCE
              + "=true to install anyway.");
    }
    Installation installation =
        method == InstallMethod.HELM
            ? installHelm(version, options)
            : installKustomize(version, options);
    awaitAvailable(installation.namespace(), installation.deployment(), options.timeout());
    return installation;
  }

  /**
   * The kustomize bundle's objects as they will be sent: namespace set, operator image replaced.
   */
  List<GenericKubernetesResource> renderKustomize(KubeRayVersion version, InstallOptions options) {
    List<GenericKubernetesResource> bundle = source.kustomizeBundle(version);
    String namespace = bundleNamespace(bundle).orElse(options.namespace());
    List<GenericKubernetesResource> objects = new ArrayList<>();
    for (GenericKubernetesResource original : bundle) {
      GenericKubernetesResource o = SERDE.clone(original);
      if (o.getMetadata().getNamespace() != null) {
        o.getMetadata().setNamespace(namespace);
      }
      if (o.getKind().endsWith("RoleBinding")) {
        subjects(o)
            .forEach(
                s -> {
                  if ("ServiceAccount".equals(s.get("kind"))) {
                    s.put("namespace", namespace);
                  }
                });
      }
      if ("Deployment".equals(o.getKind())) {
        options.operatorImage().ifPresent(image -> setOperatorImage(o, image));
      }
      objects.add(o);
    }
    objects.sort(Comparator.comparingInt(KubeRayInstaller::applyOrder));
    return objects;
  }

  private static Optional<String> bundleNamespace(List<GenericKubernetesResource> bundle) {
    return bundle.stream()
        .filter(o -> "Namespace".equals(o.getKind()))
        .map(o -> o.getMetadata().getName())
        .findFirst();
  }

  private static int applyOrder(HasMetadata o) {
    switch (o.getKind()) {
      case "Namespace":
        return 0;
      case "CustomResourceDefinition":
        return 1;
      case "Deployment":
        return 3;
      default:
        return 2;
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> subjects(GenericKubernetesResource o) {
    Object subjects = o.getAdditionalProperties().get("subjects");
    return subjects instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
  }

  @SuppressWarnings("unchecked")
  private static void setOperatorImage(GenericKubernetesResource deployment, String image) {
    Map<String, Object> spec =
        (Map<String, Object>) deployment.getAdditionalProperties().get("spec");
    Map<String, Object> podSpec =
        (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
    List<Map<String, Object>> containers = (List<Map<String, Object>>) podSpec.get("containers");
    Map<String, Object> operator =
        containers.stream()
            .filter(c -> InstalledOperator.COMPONENT.equals(c.get("name")))
            .findFirst()
            .orElse(containers.get(0));
    operator.put("image", image);
    operator.put("imagePullPolicy", "IfNotPresent");
  }

  private Installation installKustomize(KubeRayVersion version, InstallOptions options) {
    List<GenericKubernetesResource> objects = renderKustomize(version, options);
    String namespace = bundleNamespace(objects).orElse(options.namespace());
    List<HasMetadata> created = new ArrayList<>();
    if (bundleNamespace(objects).isEmpty()) {
      ensureNamespace(namespace).ifPresent(created::add);
    }
    logger.info(
        "Installing KubeRay {} by kustomize ({} objects, {}) from {} into namespace {}",
        version,
        objects.size(),
        options.apply(),
        source.describe(),
        namespace);
    for (GenericKubernetesResource o : objects) {
      HasMetadata current = client.resource(o).get();
      boolean existed = current != null;
      if (options.apply() == InstallOptions.Apply.SERVER_SIDE) {
        client.resource(o).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      } else if (existed) {
        o.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        client.resource(o).update();
      } else {
        client.resource(o).create();
      }
      if (!existed) {
        created.add(o);
      }
    }
    String deployment =
        objects.stream()
            .filter(o -> "Deployment".equals(o.getKind()))
            .map(o -> o.getMetadata().getName())
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "The KubeRay "
                            + version
                            + " bundle from "
                            + source.describe()
                            + " has no operator Deployment"));
    return new Installation(namespace, deployment, created, Optional.empty(), false);
  }

  private Optional<HasMetadata> ensureNamespace(String name) {
    if (client.namespaces().withName(name).get() != null) {
      return Optional.empty();
    }
    return Optional.of(
        client
            .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create());
  }

  private Installation installHelm(KubeRayVersion version, InstallOptions options) {
    Path chart = source.chart("kuberay-operator", version);
    List<HasMetadata> created = new ArrayList<>();
    ensureNamespace(options.namespace()).ifPresent(created::add);
    logger.info(
        "Installing KubeRay {} by Helm chart {} into namespace {}",
        version,
        chart,
        options.namespace());
    var install =
        Helm.install(chart.toString())
            .withName(OPERATOR_RELEASE)
            .withNamespace(options.namespace())
            .withKubeConfigContents(kubeconfig)
            .set("image.pullPolicy", "IfNotPresent");
    if (options.operatorImage().isPresent()) {
      ImageReference ref = ImageReference.parse(options.operatorImage().get());
      install = install.set("image.repository", ref.repository()).set("image.tag", ref.tag());
    }
    try {
      install.call();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "helm install " + OPERATOR_RELEASE + " " + chart + " failed: " + e.getMessage(), e);
    }
    return new Installation(
        options.namespace(), OPERATOR_RELEASE, created, Optional.of(OPERATOR_RELEASE), false);
  }

  /**
   * Installs the {@code ray-cluster} chart of {@code version} as release {@code release}
   * (RayCluster {@code <release>-kuberay}), with the Ray image replaced by {@code rayImage} when
   * given and {@code values} set like {@code helm install --set key=value}.
   */
  public void installRayClusterChart(
      KubeRayVersion version,
      String release,
      String namespace,
      Optional<String> rayImage,
      Map<String, ?> values) {
    Path chart = source.chart("ray-cluster", version);
    ensureNamespace(namespace);
    var install =
        Helm.install(chart.toString())
            .withName(release)
            .withNamespace(namespace)
            .withKubeConfigContents(kubeconfig)
            .set("image.pullPolicy", "IfNotPresent");
    if (rayImage.isPresent()) {
      ImageReference ref = ImageReference.parse(rayImage.get());
      install = install.set("image.repository", ref.repository()).set("image.tag", ref.tag());
    }
    for (Map.Entry<String, ?> value : values.entrySet()) {
      install = install.set(value.getKey(), value.getValue());
    }
    try {
      install.call();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "helm install " + release + " " + chart + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Removes what {@code installation} created, newest first; CRDs stay (deleting them would delete
   * every RayCluster).
   */
  public void uninstall(Installation installation) {
    installation
        .helmRelease()
        .ifPresent(
            release -> {
              try {
                Helm.uninstall(release)
                    .withNamespace(installation.namespace())
                    .withKubeConfigContents(kubeconfig)
                    .call();
              } catch (RuntimeException e) {
                logger.warn("helm uninstall {} failed: {}", release, e.getMessage());
              }
            });
    List<HasMetadata> created = new ArrayList<>(installation.created());
    Collections.reverse(created);
    for (HasMetadata o : created) {
      if ("CustomResourceDefinition".equals(o.getKind())) {
        continue;
      }
      try {
        client.resource(o).delete();
      } catch (KubernetesClientException e) {
        logger.warn(
            "Could not delete {} {}: {}", o.getKind(), o.getMetadata().getName(), e.getMessage());
      }
    }
  }

  /**
   * Waits until the Deployment reports Available, failing at once when its pod cannot pull its
   * image.
   */
  public void awaitAvailable(String namespace, String name, Duration timeout) {
    Waits.until(
        "Deployment " + namespace + "/" + name,
        "condition Available=True",
        timeout,
        () -> client.apps().deployments().inNamespace(namespace).withName(name).get(),
        KubeRayInstaller::isAvailable,
        d -> describe(d),
        d -> !imagePullErrors(d).isEmpty());
  }

  static boolean isAvailable(Deployment d) {
    return d.getStatus() != null
        && d.getStatus().getConditions() != null
        && d.getStatus().getConditions().stream()
            .anyMatch(c -> "Available".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private String describe(Deployment d) {
    String conditions =
        d.getStatus() == null || d.getStatus().getConditions() == null
            ? "no status"
            : d.getStatus().getConditions().stream()
                .map(
                    c ->
                        c.getType()
                            + "="
                            + c.getStatus()
                            + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"))
                .collect(Collectors.joining(", "));
    List<String> pods =
        pods(d).stream().map(p -> describe(p) + UnreadyPodDiagnosis.of(client, p)).toList();
    String pullHint =
        imagePullErrors(d).isEmpty()
            ? ""
            : ". The operator image cannot be pulled inside the cluster: provide it locally (side-load it, e.g. -D"
                + InstallOptions.OPERATOR_IMAGE
                + "=<local image> with the k3s backend) or make its registry reachable";
    return conditions + "; pods: " + (pods.isEmpty() ? "none" : String.join("; ", pods)) + pullHint;
  }

  private static String describe(Pod p) {
    return p.getMetadata().getName() + " [" + PodHandle.describe(p) + "]";
  }

  private List<Pod> pods(Deployment d) {
    if (d.getSpec() == null
        || d.getSpec().getSelector() == null
        || d.getSpec().getSelector().getMatchLabels() == null) {
      return List.of();
    }
    return client
        .pods()
        .inNamespace(d.getMetadata().getNamespace())
        .withLabels(d.getSpec().getSelector().getMatchLabels())
        .list()
        .getItems();
  }

  private List<String> imagePullErrors(Deployment d) {
    return pods(d).stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
        .flatMap(p -> p.getStatus().getContainerStatuses().stream())
        .filter(
            s ->
                s.getState() != null
                    && s.getState().getWaiting() != null
                    && IMAGE_PULL_ERRORS.contains(s.getState().getWaiting().getReason()))
        .map(s -> s.getImage())
        .toList();
  }
}
