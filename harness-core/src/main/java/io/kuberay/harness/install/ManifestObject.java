package io.kuberay.harness.install;

import java.util.Objects;

/**
 * One object of a KubeRay release's install data, as JSON text: installers that only forward it
 * need not parse it (the CRDs are about a megabyte each).
 */
public record ManifestObject(String kind, String namespace, String name, String json) {

  public ManifestObject {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(json, "json");
  }

  public boolean isCrd() {
    return "CustomResourceDefinition".equals(kind);
  }
}
