package io.kuberay.harness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field for injection by {@link KubeRayTest}; fields without it are left alone. The field's
 * type, with {@link ClusterName}, {@link HeadPod} or {@link KubeRayNamespace}, chooses what is
 * injected (see {@link KubeRayTest}). Parameters need no marker: they are resolved by type.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface KubeRayResource {}
