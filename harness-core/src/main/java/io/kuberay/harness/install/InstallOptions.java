package io.kuberay.harness.install;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link KubeRayInstaller} installs, beyond the version and method of the environment settings.
 *
 * @param operatorImage the operator image the Deployment runs (pulled {@code IfNotPresent}); empty
 *     keeps the release's own ({@code quay.io/kuberay/operator:<version>})
 * @param namespace where releases that install "into the namespace you apply to" (kustomize v1.3+,
 *     Helm) go; v1.1.0's kustomize bundle always creates {@code ray-system}
 * @param apply create (then replace what exists, like the Makefile's {@code create || replace}) or
 *     server-side apply; never client-side apply, the CRDs are too large for it
 * @param force install even when another KubeRay version's operator is already in the cluster
 * @param timeout how long the operator Deployment may take to become available
 */
public record InstallOptions(
    Optional<String> operatorImage,
    String namespace,
    Apply apply,
    boolean force,
    Duration timeout) {

  public static final String OPERATOR_IMAGE = "kuberay.operator.image";
  public static final String NAMESPACE = "kuberay.operator.namespace";
  public static final String APPLY = "kuberay.install.apply";
  public static final String FORCE = "kuberay.install.force";

  public InstallOptions {
    Objects.requireNonNull(operatorImage, "operatorImage");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(apply, "apply");
    Objects.requireNonNull(timeout, "timeout");
  }

  /** From system properties and environment variables, with {@code timeout} for the operator. */
  public static InstallOptions fromSystem(Duration timeout) {
    return new InstallOptions(
        Settings.get(OPERATOR_IMAGE),
        Settings.get(NAMESPACE).orElse("default"),
        Settings.get(APPLY).map(Apply::of).orElse(Apply.CREATE),
        Settings.flag(FORCE),
        timeout);
  }

  public InstallOptions withOperatorImage(String image) {
    return new InstallOptions(Optional.of(image), namespace, apply, force, timeout);
  }

  public InstallOptions withForce(boolean value) {
    return new InstallOptions(operatorImage, namespace, apply, value, timeout);
  }

  public InstallOptions withNamespace(String value) {
    return new InstallOptions(operatorImage, value, apply, force, timeout);
  }

  public InstallOptions withApply(Apply value) {
    return new InstallOptions(operatorImage, namespace, value, force, timeout);
  }

  /** How the kustomize bundle's objects are sent to the API server. */
  public enum Apply {
    /** {@code kubectl create}, replacing an object that already exists. */
    CREATE,
    /** {@code kubectl apply --server-side --force-conflicts}. */
    SERVER_SIDE;

    static Apply of(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
      if (t.equals("create")) {
        return CREATE;
      }
      if (t.equals("server-side") || t.equals("ssa")) {
        return SERVER_SIDE;
      }
      throw new IllegalArgumentException(
          "Unknown " + APPLY + " '" + text + "'. Use create or server-side.");
    }
  }
}
