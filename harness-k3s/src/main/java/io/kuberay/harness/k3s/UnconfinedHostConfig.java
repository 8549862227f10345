package io.kuberay.harness.k3s;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.HostConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * A {@link HostConfig} that also sends {@code MaskedPaths: []} and {@code ReadonlyPaths: []}: what
 * the docker CLI's {@code --security-opt systempaths=unconfined} does (docker-java has no setter
 * for them). Without it {@code /proc/sys} stays read-only and the kubelet cannot set its kernel
 * tunables.
 */
final class UnconfinedHostConfig extends HostConfig {

  private static final long serialVersionUID = 1L;

  @JsonProperty("MaskedPaths")
  private final List<String> maskedPaths = List.of();

  @JsonProperty("ReadonlyPaths")
  private final List<String> readonlyPaths = List.of();

  static UnconfinedHostConfig copyOf(HostConfig original) {
    UnconfinedHostConfig copy = new UnconfinedHostConfig();
    for (Field field : HostConfig.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      try {
        field.setAccessible(true);
        field.set(copy, field.get(original));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("Cannot copy HostConfig." + field.getName(), e);
      }
    }
    return copy;
  }

  List<String> maskedPaths() {
    return maskedPaths;
  }

  List<String> readonlyPaths() {
    return readonlyPaths;
  }
}
