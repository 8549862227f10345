package io.kuberay.harness;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a package or type that is public only so that another package of the harness can use it:
 * not user API, and free to change in any release. Tests and adapters (the JUnit extension, the
 * Cucumber steps, the CLI) must not use it; an architecture test checks that. Everything not
 * marked, in {@code io.kuberay.harness} and {@code io.kuberay.harness.ray}, is the stable API (see
 * the README).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PACKAGE, ElementType.TYPE, ElementType.CONSTRUCTOR, ElementType.METHOD})
public @interface Internal {}
