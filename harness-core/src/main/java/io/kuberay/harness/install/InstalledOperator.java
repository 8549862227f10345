package io.kuberay.harness.install;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KubeRay operator already running in a cluster, found by the label both install methods put on
 * its pods: {@code app.kubernetes.io/component=kuberay-operator}. Kustomize puts it on the
 * Deployment too; KubeRay's Helm charts (v1.1.0 to v1.7.0) only on the pod template.
 *
 * @param namespace the Deployment's namespace
 * @param name the Deployment's name
 * @param image the operator container's image
 * @param version the release, from the image tag or the chart label ({@code 1.1.0} without {@code
 *     v}); empty when neither says
 */
public record InstalledOperator(
    String namespace, String name, String image, Optional<String> version) {

  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  public static final String COMPONENT = "kuberay-operator";

  private static final Pattern SEMVER = Pattern.compile("v?(\\d+\\.\\d+\\.\\d+)");

  /** Every KubeRay operator Deployment in the cluster, in any namespace. */
  public static List<InstalledOperator> findAll(KubernetesClient client) {
    return client.apps().deployments().inAnyNamespace().list().getItems().stream()
        .filter(InstalledOperator::isOperator)
        .map(InstalledOperator::of)
        .toList();
  }

  /** The Deployment or its pod template carries the operator's component label. */
  static boolean isOperator(Deployment d) {
    return COMPONENT.equals(label(d.getMetadata()))
        || (d.getSpec() != null
            && d.getSpec().getTemplate() != null
            && COMPONENT.equals(label(d.getSpec().getTemplate().getMetadata())));
  }

  private static String label(ObjectMeta meta) {
    return meta == null || meta.getLabels() == null ? null : meta.getLabels().get(COMPONENT_LABEL);
  }

  static InstalledOperator of(Deployment d) {
    List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
    String image =
        containers.stream()
            .filter(c -> COMPONENT.equals(c.getName()))
            .findFirst()
            .or(() -> containers.stream().findFirst())
            .map(Container::getImage)
            .orElse("");
    Map<String, String> labels =
        d.getMetadata().getLabels() == null ? Map.of() : d.getMetadata().getLabels();
    Optional<String> version =
        versionOf(image)
            .or(
                () ->
                    Optional.ofNullable(labels.get("helm.sh/chart"))
                        .flatMap(InstalledOperator::versionOf))
            .or(
                () ->
                    Optional.ofNullable(labels.get("app.kubernetes.io/version"))
                        .flatMap(InstalledOperator::versionOf));
    return new InstalledOperator(
        d.getMetadata().getNamespace(), d.getMetadata().getName(), image, version);
  }

  static Optional<String> versionOf(String text) {
    int colon = text.lastIndexOf(':');
    String tail = colon >= 0 && colon > text.lastIndexOf('/') ? text.substring(colon + 1) : text;
    Matcher m = SEMVER.matcher(tail);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Whether this operator is of the release {@code number} ({@code 1.5.0}). */
  public boolean isVersion(String number) {
    return version.map(number::equals).orElse(false);
  }

  @Override
  public String toString() {
    return "Deployment "
        + namespace
        + "/"
        + name
        + " (image "
        + image
        + ", version "
        + version.map(v -> "v" + v).orElse("unknown")
        + ")";
  }
}
