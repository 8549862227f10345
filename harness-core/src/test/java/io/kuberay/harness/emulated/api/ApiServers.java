package io.kuberay.harness.emulated.api;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;

/** An emulated API server for the tests of what it admits: no front, one namespace. */
final class ApiServers {

  private ApiServers() {}

  static EmulatedApiServer withNamespace(String namespace) {
    EmulatedApiServer api = new EmulatedApiServer().start("http://127.0.0.1:1");
    api.client()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    return api;
  }
}
