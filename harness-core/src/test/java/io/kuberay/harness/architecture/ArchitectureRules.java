package io.kuberay.harness.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import io.kuberay.harness.Internal;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.support.JulLoggers;

/**
 * The harness's package rules, shared by harness-core's {@code ArchitectureTest} and the adapter
 * modules' boundary tests (through harness-core's test jar). Each rule's text says what it forbids;
 * its failure lists every offending dependency.
 */
public final class ArchitectureRules {

  /**
   * Public only for another harness package: marked {@link Internal} itself, in its package, or in
   * an {@code internal} package.
   */
  public static final DescribedPredicate<JavaClass> INTERNAL =
      DescribedPredicate.describe(
          "are internal to the harness (@Internal or in an internal package)",
          ArchitectureRules::isInternal);

  /**
   * What the emulated operator and node may use of the API server: the in-process client surface,
   * as a real controller only has its client and informers. Everything else of {@code emulated.api}
   * and {@code emulated.store} (dispatcher, admission, the store itself) is the server's own.
   */
  static final DescribedPredicate<JavaClass> IN_PROCESS_API =
      belongToAnyOf(
          EmulatedApiServer.class,
          EventRecorder.class,
          ResourceDefinitions.class,
          ObjectEvents.class,
          ResourceRef.class,
          StoredObject.class);

  /**
   * No cycles between the harness's packages (the root package aside: it and {@code internal}
   * implement the user API together).
   */
  public static final ArchRule NO_PACKAGE_CYCLES =
      slices()
          .matching("io.kuberay.harness.(**)")
          .namingSlices("package io.kuberay.harness.$1")
          .should()
          .beFreeOfCycles();

  public static final ArchRule OPERATOR_AND_NODE_USE_ONLY_THE_IN_PROCESS_API =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.kuberay.harness.emulated.operator..", "io.kuberay.harness.emulated.node..")
          .should()
          .dependOnClassesThat(
              resideInAnyPackage(
                      "io.kuberay.harness.emulated.api..", "io.kuberay.harness.emulated.store..")
                  .and(not(IN_PROCESS_API)))
          .because(
              "a controller sees the API server as a client does: through EmulatedApiServer's client, ObjectEvents and EventRecorder");

  public static final ArchRule ADAPTERS_USE_NO_INTERNALS =
      noClasses()
          .should()
          .dependOnClassesThat(INTERNAL)
          .because("adapters build on the stable API only; see the README's 'What is stable'");

  public static final ArchRule SLF4J_ONLY =
      noClasses()
          .that(not(belongToAnyOf(JulLoggers.class)))
          .should()
          .dependOnClassesThat()
          .resideInAPackage("java.util.logging..")
          .because(
              "the harness logs through SLF4J; JulLoggers alone quiets libraries that log through java.util.logging");

  private ArchitectureRules() {}

  private static boolean isInternal(JavaClass target) {
    if (!target.getName().startsWith("io.kuberay.harness.")) {
      return false;
    }
    if (target.getPackageName().contains(".internal")) {
      return true;
    }
    Class<?> type = target.reflect();
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (c.isAnnotationPresent(Internal.class)) {
        return true;
      }
    }
    return type.getPackage() != null && type.getPackage().isAnnotationPresent(Internal.class);
  }
}
