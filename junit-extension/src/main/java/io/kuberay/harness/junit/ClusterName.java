package io.kuberay.harness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Chooses the cluster for a {@code RayClusterHandle} or {@code @HeadPod PodHandle} when the class
 * declares several.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ClusterName {

  /** A name from {@link KubeRayTest#clusters()}, e.g. {@code raycluster-kuberay}. */
  String value();
}
