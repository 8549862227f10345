package io.kuberay.harness.emulated.support;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** {@code namespace/name} keys, as controller work queues use them. */
public final class ObjectKeys {

  private ObjectKeys() {}

  public static String of(HasMetadata o) {
    return of(o.getMetadata().getNamespace(), o.getMetadata().getName());
  }

  public static String of(String namespace, String name) {
    return (namespace == null ? "" : namespace) + "/" + name;
  }

  public static String namespace(String key) {
    return key.substring(0, key.indexOf('/'));
  }

  public static String name(String key) {
    return key.substring(key.indexOf('/') + 1);
  }

  /** The object as the kubelet names a pod in its messages: {@code name_namespace(uid)}. */
  public static String kubeletRef(HasMetadata o) {
    return o.getMetadata().getName()
        + "_"
        + o.getMetadata().getNamespace()
        + "("
        + o.getMetadata().getUid()
        + ")";
  }
}
