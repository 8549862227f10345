package io.kuberay.harness.emulated;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** {@code namespace/name} keys, as controller work queues use them. */
final class Keys {

  private Keys() {}

  static String of(HasMetadata o) {
    return of(o.getMetadata().getNamespace(), o.getMetadata().getName());
  }

  static String of(String namespace, String name) {
    return (namespace == null ? "" : namespace) + "/" + name;
  }

  static String namespace(String key) {
    return key.substring(0, key.indexOf('/'));
  }

  static String name(String key) {
    return key.substring(key.indexOf('/') + 1);
  }
}
