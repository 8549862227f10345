package io.kuberay.harness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a {@link KubeRayTest} class once per KubeRay release: each run has its own environment of
 * that release, its own namespace and clusters, and shows as {@code [n] KubeRay vX.Y.Z} under the
 * class.
 *
 * <pre>{@code
 * @KubeRayVersions({"v1.1.0", "v1.5.0"})
 * @KubeRayTest(clusters = @RayCluster(helmRelease = "raycluster"))
 * class UpgradeSafetyTest { ... }
 * }</pre>
 *
 * The listed release wins over {@link KubeRayTest#kuberayVersion()} and over an outside {@code
 * kuberay.version} (which would otherwise make every run the same); the other settings are read as
 * usual.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ClassTemplate
@ExtendWith(KubeRayVersionsProvider.class)
public @interface KubeRayVersions {

  /** The releases, e.g. {@code {"v1.1.0", "v1.5.0"}}; each must be supported and listed once. */
  String[] value();
}
