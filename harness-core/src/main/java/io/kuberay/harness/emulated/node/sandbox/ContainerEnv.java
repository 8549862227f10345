package io.kuberay.harness.emulated.node.sandbox;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.NodeCapacity;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A container's environment as the kubelet makes it: {@code envFrom} first, then {@code env} in
 * order, with {@code valueFrom} (configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef) and
 * {@code $(VAR)} references to variables defined before. What the kubelet refuses — a missing
 * ConfigMap, Secret or key that is not optional — throws {@link ConfigException} with the kubelet's
 * message: the container is not created.
 */
public final class ContainerEnv {

  /** The kubelet's CreateContainerConfigError. */
  public static final class ConfigException extends RuntimeException {
    ConfigException(String message) {
      super(message);
    }
  }

  private final KubernetesClient client;
  private final Pod pod;
  private final DownwardValues downward;
  private final InClusterApi api;
  private final Map<String, ConfigMap> configMaps = new HashMap<>();
  private final Map<String, Secret> secrets = new HashMap<>();

  ContainerEnv(KubernetesClient client, Pod pod, NodeCapacity node, InClusterApi api) {
    this.client = client;
    this.api = api;
    this.pod = pod;
    this.downward = new DownwardValues(pod, node);
  }

  /**
   * The environment of {@code containerName} (the first container when null), HOSTNAME and
   * KUBERNETES_SERVICE_* included.
   */
  Map<String, String> resolve(String containerName) {
    Container container = PodEnvironment.container(pod, containerName);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOSTNAME", pod.getMetadata().getName());
    if (api != null) {
      // The kubernetes service's variables come first: the container's own env may override them.
      env.putAll(new TreeMap<>(api.serviceEnv()));
    }
    if (container == null) {
      return env;
    }
    if (container.getEnvFrom() != null) {
      for (EnvFromSource from : container.getEnvFrom()) {
        envFrom(from, env);
      }
    }
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        String value;
        if (var.getValueFrom() != null) {
          value = valueFrom(container.getName(), var.getValueFrom());
          if (value == null) {
            continue; // an optional source that is missing
          }
        } else {
          value = expand(var.getValue() == null ? "" : var.getValue(), env);
        }
        env.put(var.getName(), value);
      }
    }
    return env;
  }

  private void envFrom(EnvFromSource from, Map<String, String> env) {
    String prefix = from.getPrefix() == null ? "" : from.getPrefix();
    if (from.getConfigMapRef() != null) {
      ConfigMap cm = configMap(from.getConfigMapRef().getName());
      if (cm == null) {
        if (Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
          return;
        }
        throw new ConfigException(
            "configmap \"" + from.getConfigMapRef().getName() + "\" not found");
      }
      if (cm.getData() != null) {
        cm.getData().forEach((k, v) -> env.put(prefix + k, v));
      }
    }
    if (from.getSecretRef() != null) {
      Secret s = secret(from.getSecretRef().getName());
      if (s == null) {
        if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
          return;
        }
        throw new ConfigException("secret \"" + from.getSecretRef().getName() + "\" not found");
      }
      secretData(s).forEach((k, v) -> env.put(prefix + k, v));
    }
  }

  private String valueFrom(String containerName, EnvVarSource source) {
    if (source.getConfigMapKeyRef() != null) {
      ConfigMapKeySelector ref = source.getConfigMapKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      ConfigMap cm = configMap(ref.getName());
      if (cm == null) {
        if (optional) {
          return null;
        }
        throw new ConfigException("configmap \"" + ref.getName() + "\" not found");
      }
      String value = cm.getData() == null ? null : cm.getData().get(ref.getKey());
      if (value == null && !optional) {
        throw new ConfigException(
            "couldn't find key "
                + ref.getKey()
                + " in ConfigMap "
                + pod.getMetadata().getNamespace()
                + "/"
                + ref.getName());
      }
      return value;
    }
    if (source.getSecretKeyRef() != null) {
      SecretKeySelector ref = source.getSecretKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      Secret s = secret(ref.getName());
      if (s == null) {
        if (optional) {
          return null;
        }
        throw new ConfigException("secret \"" + ref.getName() + "\" not found");
      }
      String value = secretData(s).get(ref.getKey());
      if (value == null && !optional) {
        throw new ConfigException(
            "couldn't find key "
                + ref.getKey()
                + " in Secret "
                + pod.getMetadata().getNamespace()
                + "/"
                + ref.getName());
      }
      return value;
    }
    try {
      if (source.getFieldRef() != null) {
        return downward.field(source.getFieldRef().getFieldPath());
      }
      if (source.getResourceFieldRef() != null) {
        return downward.resource(containerName, source.getResourceFieldRef());
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return "";
  }

  private ConfigMap configMap(String name) {
    return configMaps.computeIfAbsent(
        name,
        n -> client.configMaps().inNamespace(pod.getMetadata().getNamespace()).withName(n).get());
  }

  private Secret secret(String name) {
    return secrets.computeIfAbsent(
        name,
        n -> client.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(n).get());
  }

  private static Map<String, String> secretData(Secret s) {
    Map<String, String> data = new LinkedHashMap<>();
    if (s.getData() != null) {
      s.getData()
          .forEach(
              (k, v) ->
                  data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (s.getStringData() != null) {
      data.putAll(s.getStringData());
    }
    return data;
  }

  /**
   * Kubernetes' {@code $(VAR)} expansion: a defined variable is replaced, an undefined reference
   * stays as written, {@code $$} is a literal {@code $}.
   */
  public static String expand(String value, Map<String, String> defined) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c == '$' && i + 1 < value.length()) {
        char next = value.charAt(i + 1);
        if (next == '$') {
          out.append('$');
          i += 2;
          continue;
        }
        if (next == '(') {
          int close = value.indexOf(')', i + 2);
          if (close > 0) {
            String name = value.substring(i + 2, close);
            String v = defined.get(name);
            out.append(
                v != null ? v : value, v != null ? 0 : i, v != null ? v.length() : close + 1);
            i = close + 1;
            continue;
          }
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }
}
