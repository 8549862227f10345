package io.kuberay.harness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A RayCluster that {@link KubeRayTest} creates before all tests of the class. Give exactly one
 * source:
 *
 * <ul>
 *   <li>{@link #helmRelease()}: the ray-cluster Helm chart's defaults for the environment's KubeRay
 *       version ({@code "raycluster"} creates {@code raycluster-kuberay}) with {@link
 *       #helmValues()}, running the environment's Ray image; {@link #workerGroups()} add or replace
 *       groups;
 *   <li>{@link #yaml()}: a RayCluster manifest on the test class path; {@link #name()} renames it;
 *   <li>only {@link #name()}: a 1-CPU head plus {@link #workerGroups()}.
 * </ul>
 */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RayCluster {

  /** The RayCluster's name; derived from the release or the YAML when empty. */
  String name() default "";

  /** A Helm release name whose chart defaults to use, e.g. {@code raycluster}. */
  String helmRelease() default "";

  /**
   * ray-cluster chart values for {@link #helmRelease()}, as {@code helm --set}: {@code
   * "key=value"}, e.g. {@code "head.resources.requests.cpu=500m"} (keys: see {@link
   * io.kuberay.harness.RayClusterChart}). Unless they or {@link #image()} set the image, a release
   * runs the environment's Ray image.
   */
  String[] helmValues() default {};

  /** Worker groups to add (or replace by name). */
  WorkerGroup[] workerGroups() default {};

  /** A class path resource holding one RayCluster manifest, e.g. {@code clusters/small.yaml}. */
  String yaml() default "";

  /**
   * The Ray image of head and workers (not with {@code yaml}); empty keeps the chart's or the
   * harness's default.
   */
  String image() default "";

  /**
   * {@code spec.rayVersion} (not with {@code yaml}); empty leaves it unset or as the chart has it.
   */
  String rayVersion() default "";

  /**
   * The head's CPU (requests = limits), e.g. {@code "500m"} (not with {@code yaml}); empty keeps
   * the default.
   */
  String headCpu() default "";

  /**
   * The head's memory (requests = limits), e.g. {@code "2G"} (not with {@code yaml}); empty keeps
   * the default.
   */
  String headMemory() default "";

  /**
   * How long to wait for {@code status.state} ready: {@code 500ms}, {@code 60s}, {@code 2m} or
   * ISO-8601. An upper bound only: a ready cluster ends the wait at once. The default allows for
   * real Ray on a busy 2-core CI runner, where a head took over a minute to pass its probes.
   */
  String readyTimeout() default "5m";
}
