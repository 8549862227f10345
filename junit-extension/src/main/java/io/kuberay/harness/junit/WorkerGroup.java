package io.kuberay.harness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A worker group of a {@link RayCluster}. */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WorkerGroup {

  String name();

  int replicas() default 1;

  /** CPU request and limit, e.g. {@code 1} or {@code 500m}. */
  String cpu() default "1";

  /** Memory request and limit, e.g. {@code 1G}. */
  String memory() default "1G";
}
