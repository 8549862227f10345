package io.kuberay.harness.install;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link KubeRayInstaller#install} did: where the operator runs, and exactly which objects it
 * created (not those that were there before), so that an uninstall never removes what someone else
 * made.
 *
 * @param namespace the operator's namespace
 * @param deployment the operator Deployment's name
 * @param created the objects this install created, in creation order
 * @param helmRelease the Helm release it created, if it installed by Helm
 * @param reused true when a matching operator was already installed and nothing was done
 */
public record Installation(
    String namespace,
    String deployment,
    List<HasMetadata> created,
    Optional<String> helmRelease,
    boolean reused) {

  public Installation {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(deployment, "deployment");
    created = List.copyOf(created);
    Objects.requireNonNull(helmRelease, "helmRelease");
  }
}
