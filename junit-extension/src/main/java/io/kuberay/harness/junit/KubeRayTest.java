package io.kuberay.harness.junit;

import io.kuberay.harness.EnvironmentSettings;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against a KubeRay environment: starts (or reuses) the environment, creates a
 * fresh namespace and the declared {@linkplain #clusters() RayClusters} before all tests, and
 * deletes them after.
 *
 * <pre>{@code
 * @KubeRayTest(ray = "off", clusters = @RayCluster(helmRelease = "raycluster"))
 * class TutorialTest {
 *   @Test
 *   void headIsRunning(RayClusterHandle cluster, @HeadPod PodHandle head) {
 *     assertThat(head.phase()).isEqualTo("Running");
 *   }
 * }
 * }</pre>
 *
 * <h2>Settings and external overrides</h2>
 *
 * {@link #backend()}, {@link #kuberayVersion()}, {@link #install()} and {@link #ray()} are the
 * code's choice. A system property, a JUnit configuration parameter ({@code
 * junit-platform.properties}) or an environment variable (in that order) wins over them, so the
 * same test runs unchanged on another backend or release: {@value #BACKEND_PROPERTY} / {@code
 * KUBERAY_BACKEND}, {@value #VERSION_PROPERTY} / {@code KUBERAY_VERSION}, {@value
 * #INSTALL_PROPERTY} / {@code KUBERAY_INSTALL}, {@value #RAY_PROPERTY} / {@code KUBERAY_RAY};
 * likewise {@value #REUSE_ENVIRONMENT_PROPERTY} and {@value #NAMESPACE_PER_CLASS_PROPERTY} for
 * {@link #reuseEnvironment()} and {@link #namespacePerClass()}. The annotation's own values must
 * still be valid. Clusters are declared in code only: their shape is part of what a test checks.
 *
 * <h2>Lifecycle</h2>
 *
 * <ul>
 *   <li>With {@link #reuseEnvironment()} (the default) every class with equal effective settings
 *       shares one environment from {@link io.kuberay.harness.KubeRayEnvironments#shared}; it is
 *       closed when the test run (the JUnit root context) ends. Otherwise the class starts its own
 *       and closes it after the class.
 *   <li>With {@link #namespacePerClass()} (the default) each class gets a new namespace {@code
 *       kr-<class>-<random>}, deleted after the class; otherwise clusters go to {@code default} and
 *       only they are deleted.
 *   <li>Clusters are created in {@code beforeAll} and awaited (each with its {@link
 *       RayCluster#readyTimeout()}). {@code @Nested} classes without their own {@code @KubeRayTest}
 *       use the enclosing class's environment, namespace and clusters.
 * </ul>
 *
 * <h2>Injection</h2>
 *
 * Parameters (constructor, lifecycle and test methods) are resolved by type; fields are injected
 * only when annotated with {@link KubeRayResource} (static fields before {@code @BeforeAll},
 * instance fields before {@code @BeforeEach}). Supported types:
 *
 * <ul>
 *   <li>{@link io.kuberay.harness.KubeRayEnvironment}
 *   <li>{@link io.fabric8.kubernetes.client.KubernetesClient} (owned by the environment; do not
 *       close it)
 *   <li>{@link io.kuberay.harness.RayClusterHandle}: the only cluster, or the one named by {@link
 *       ClusterName}
 *   <li>{@link io.kuberay.harness.PodHandle} with {@link HeadPod}: that cluster's head pod
 *   <li>{@link String} with {@link KubeRayNamespace}: the class's namespace
 *   <li>{@link io.kuberay.harness.ray.RayJobsClient}: the Jobs API of that cluster's head (its
 *       dashboard)
 * </ul>
 *
 * <h2>Diagnostics</h2>
 *
 * When a test, a lifecycle method or cluster start-up fails, the extension writes the namespace's
 * RayClusters, RayJobs, pods, events, pod logs, the operator's log and the Ray job logs to {@code
 * target/kuberay-diagnostics/<class>/<method>/} (base directory: {@value
 * #DIAGNOSTICS_DIR_PROPERTY}; a {@link KubeRayVersions} run adds its release to the path) and adds
 * "KubeRay diagnostics: &lt;path&gt;" to the failure as a suppressed exception. A copy is published
 * as the test's file entry {@code kuberay-diagnostics} through JUnit's file publishing, so IDEs and
 * reports show it.
 *
 * <p>Misconfiguration fails the class with an {@link
 * org.junit.jupiter.api.extension.ExtensionConfigurationException} that says what was expected,
 * what was found and how to fix it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KubeRayExtension.class)
public @interface KubeRayTest {

  /** System property (or env {@code KUBERAY_BACKEND}) that overrides {@link #backend()}. */
  String BACKEND_PROPERTY = EnvironmentSettings.Keys.BACKEND;

  /** System property (or env {@code KUBERAY_VERSION}) that overrides {@link #kuberayVersion()}. */
  String VERSION_PROPERTY = EnvironmentSettings.Keys.VERSION;

  /** System property (or env {@code KUBERAY_INSTALL}) that overrides {@link #install()}. */
  String INSTALL_PROPERTY = EnvironmentSettings.Keys.INSTALL;

  /** System property (or env {@code KUBERAY_RAY}) that overrides {@link #ray()}. */
  String RAY_PROPERTY = EnvironmentSettings.Keys.RAY;

  /**
   * System property for the diagnostics base directory; default {@value #DEFAULT_DIAGNOSTICS_DIR}.
   */
  String DIAGNOSTICS_DIR_PROPERTY = "kuberay.diagnostics.dir";

  /**
   * System property (or env {@code KUBERAY_REUSE_ENVIRONMENT}) that overrides {@link
   * #reuseEnvironment()}.
   */
  String REUSE_ENVIRONMENT_PROPERTY = "kuberay.reuse.environment";

  /**
   * System property (or env {@code KUBERAY_NAMESPACE_PER_CLASS}) that overrides {@link
   * #namespacePerClass()}.
   */
  String NAMESPACE_PER_CLASS_PROPERTY = "kuberay.namespace.per.class";

  /** Where diagnostics bundles go when {@value #DIAGNOSTICS_DIR_PROPERTY} is not set. */
  String DEFAULT_DIAGNOSTICS_DIR = "target/kuberay-diagnostics";

  /**
   * {@code emulated}, {@code k3s} or {@code existing}; empty for the default (emulated) or the
   * external setting.
   */
  String backend() default "";

  /** The KubeRay release, e.g. {@code v1.1.0}; must be a supported one. */
  String kuberayVersion() default "v1.1.0";

  /** {@code kustomize} or {@code helm}. */
  String install() default "kustomize";

  /**
   * {@code auto}, {@code required} or {@code off} (no Ray processes: fast tests of Kubernetes
   * objects only).
   */
  String ray() default "auto";

  /** The RayClusters to create before all tests of the class; names must be unique. */
  RayCluster[] clusters() default {};

  /**
   * What the user's own images hold on the emulated backend (a local directory at a mount path,
   * requirements, the Ray version they are built on); a Ray pod with an image that is neither a Ray
   * image nor listed here does not start (ErrImagePull naming what to map). Added to those of
   * {@code kuberay.pods.images}, which wins for the same image pattern.
   */
  ImageContents[] images() default {};

  /** Whether the class gets its own namespace, deleted after the class. */
  boolean namespacePerClass() default true;

  /** Whether classes with equal settings share one environment for the whole test run. */
  boolean reuseEnvironment() default true;
}
