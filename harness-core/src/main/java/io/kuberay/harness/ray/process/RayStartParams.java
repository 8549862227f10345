package io.kuberay.harness.ray.process;

import io.kuberay.harness.Internal;
import java.util.Optional;
import java.util.Set;

/**
 * KubeRay's rule for turning one {@code rayStartParams} entry into a {@code ray start} flag ({@code
 * convertParamMap}): {@code "true"} becomes a bare flag, {@code "false"} drops it, anything else is
 * {@code --k=v}; options that take an explicit boolean keep their value as {@code --k=v}. The
 * emulated operator renders its generated command with it, the local Ray launcher its real one.
 */
@Internal
public final class RayStartParams {

  /**
   * The options that take an explicit boolean in the newest KubeRay (v1.7.0 added
   * include-log-monitor).
   */
  public static final Set<String> EXPLICIT_BOOLEAN_OPTIONS =
      Set.of("log-color", "include-dashboard", "include-log-monitor");

  private RayStartParams() {}

  /** The flag for {@code key: value}, or empty when KubeRay drops it. */
  public static Optional<String> flag(
      String key, String value, Set<String> explicitBooleanOptions) {
    if (explicitBooleanOptions.contains(key)) {
      return Optional.of("--" + key + "=" + value);
    }
    if ("true".equalsIgnoreCase(value)) {
      return Optional.of("--" + key);
    }
    return "false".equalsIgnoreCase(value)
        ? Optional.empty()
        : Optional.of("--" + key + "=" + value);
  }
}
