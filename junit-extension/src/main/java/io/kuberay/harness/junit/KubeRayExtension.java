package io.kuberay.harness.junit;

import io.kuberay.harness.BackendUnavailableException;
import io.kuberay.harness.DiagnosticsBundle;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayEnvironments;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.opentest4j.TestAbortedException;
import org.slf4j.LoggerFactory;

/** The engine behind {@link KubeRayTest}; see there for the contract. */
class KubeRayExtension
    implements BeforeAllCallback,
        BeforeClassTemplateInvocationCallback,
        BeforeEachCallback,
        ParameterResolver,
        TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {

  static final Namespace NAMESPACE = Namespace.create(KubeRayExtension.class);

  private static final String CLASS_STATE = "class-state";
  private static final String IDLE_ENVIRONMENTS = "idle-environments";

  /** The name of the diagnostics bundle among a test's published files. */
  static final String PUBLISHED_DIRECTORY = "kuberay-diagnostics";

  private static final String NAMESPACE_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

  @Override
  public void beforeAll(ExtensionContext context) {
    // A class template (@KubeRayVersions) runs beforeAll once for all its runs; each run starts in
    // beforeClassTemplateInvocation.
    if (!AnnotationSupport.isAnnotated(context.getRequiredTestClass(), ClassTemplate.class)) {
      setUp(context);
    }
  }

  @Override
  public void beforeClassTemplateInvocation(ExtensionContext context) {
    setUp(context);
  }

  private void setUp(ExtensionContext context) {
    // junit-platform.properties and launcher -D values: the layer between system properties and the
    // environment.
    SettingsReader.useConfigurationParameters(context::getConfigurationParameter);
    Class<?> testClass = context.getRequiredTestClass();
    List<Field> fields =
        ReflectionSupport.findFields(
            testClass,
            f -> AnnotationSupport.isAnnotated(f, KubeRayResource.class),
            HierarchyTraversalMode.TOP_DOWN);
    fields.forEach(f -> InjectionPoint.of(f).check(Optional.of(f)));
    Optional<KubeRayTest> own = AnnotationSupport.findAnnotation(testClass, KubeRayTest.class);
    ClassState state;
    if (own.isPresent()) {
      Optional<KubeRayVersion> pinned =
          Optional.ofNullable(
              context
                  .getStore(NAMESPACE)
                  .get(KubeRayVersionsProvider.PINNED_VERSION, KubeRayVersion.class));
      state = start(context, testClass, ClassConfiguration.of(testClass, own.get(), pinned));
    } else {
      state = context.getStore(NAMESPACE).get(CLASS_STATE, ClassState.class);
      if (state == null) {
        throw Misconfiguration.of(
            "KubeRayExtension on " + testClass.getName(),
            "@KubeRayTest on the class or an enclosing class",
            "@ExtendWith(KubeRayExtension.class) alone",
            "annotate the class with @KubeRayTest");
      }
    }
    inject(state, null, fields, f -> Modifier.isStatic(f.getModifiers()));
    Optional<Object> perClassInstance = context.getTestInstance();
    if (perClassInstance.isPresent()) {
      inject(state, perClassInstance.get(), fields, f -> !Modifier.isStatic(f.getModifiers()));
    }
  }

  private ClassState start(
      ExtensionContext context, Class<?> testClass, ClassConfiguration config) {
    KubeRayEnvironment environment;
    Runnable release;
    try {
      if (config.reuseEnvironment()) {
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                IDLE_ENVIRONMENTS, key -> new IdleEnvironments(), IdleEnvironments.class);
        KubeRayEnvironments.Lease lease = KubeRayEnvironments.acquire(config.settings());
        environment = lease.environment();
        release = lease::close;
      } else {
        environment = KubeRayEnvironment.start(config.settings());
        release = environment::close;
      }
    } catch (BackendUnavailableException e) {
      if (SettingsReader.flag(Setting.BACKEND_OPTIONAL)) {
        String reason =
            "Skipped "
                + testClass.getName()
                + ": the "
                + config.settings().backend().id()
                + " backend cannot start here ("
                + e.getMessage()
                + ") and kuberay.backend.optional=true";
        // Build tools count a class aborted in beforeAll as zero tests; the log says why.
        LoggerFactory.getLogger(KubeRayExtension.class).warn(reason);
        throw new TestAbortedException(reason, e);
      }
      throw Misconfiguration.of(
          "@KubeRayTest on " + testClass.getName(),
          "a machine that can run the " + config.settings().backend().id() + " backend",
          e.problem(),
          e.fix(),
          e);
    }
    String namespace = config.namespacePerClass() ? namespaceFor(testClass) : "default";
    ClassState state = new ClassState(environment, release, namespace, config.namespacePerClass());
    context.getStore(NAMESPACE).put(CLASS_STATE, state);
    if (config.namespacePerClass()) {
      environment.createNamespace(namespace);
    }
    for (ClusterDeclaration cluster : config.clusters()) {
      state.add(
          environment
              .rayClusters()
              .inNamespace(namespace)
              .create(cluster.specFor(environment.rayImage())));
    }
    for (ClusterDeclaration cluster : config.clusters()) {
      RayClusterHandle handle = state.clusters().get(cluster.name());
      try {
        handle.awaitReady(cluster.readyTimeout());
      } catch (RuntimeException e) {
        throw withDiagnostics(context, e, "beforeAll");
      }
    }
    return state;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    ClassState state = state(context, "the fields of " + context.getRequiredTestClass().getName());
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      List<Field> fields =
          ReflectionSupport.findFields(
              instance.getClass(),
              f -> AnnotationSupport.isAnnotated(f, KubeRayResource.class),
              HierarchyTraversalMode.TOP_DOWN);
      inject(state, instance, fields, f -> !Modifier.isStatic(f.getModifiers()));
    }
  }

  private static void inject(
      ClassState state, Object target, List<Field> fields, Predicate<Field> which) {
    for (Field field : fields) {
      if (which.test(field)) {
        InjectionPoint point = InjectionPoint.of(field);
        point.check(Optional.of(field));
        try {
          field.setAccessible(true);
          field.set(target, point.resolve(state));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("Cannot inject " + point.description(), e);
        }
      }
    }
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return InjectionPoint.claims(parameterContext);
  }

  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    InjectionPoint point = InjectionPoint.of(parameterContext);
    point.check(Optional.empty());
    return point.resolve(state(extensionContext, point.description()));
  }

  private static ClassState state(ExtensionContext context, String what) {
    ClassState state = context.getStore(NAMESPACE).get(CLASS_STATE, ClassState.class);
    if (state == null) {
      throw Misconfiguration.of(
          "KubeRay injection into " + what,
          "a @KubeRayTest class whose beforeAll has run",
          "no KubeRay environment yet",
          "inject into fields or method parameters; with @TestInstance(PER_CLASS) do not inject into the constructor");
    }
    return state;
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw withDiagnostics(context, throwable, context.getRequiredTestMethod().getName());
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw withDiagnostics(context, throwable, "beforeAll");
  }

  @Override
  public void handleBeforeEachMethodExecutionException(
      ExtensionContext context, Throwable throwable) throws Throwable {
    throw withDiagnostics(
        context, throwable, context.getRequiredTestMethod().getName() + "-beforeEach");
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw withDiagnostics(
        context, throwable, context.getRequiredTestMethod().getName() + "-afterEach");
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw withDiagnostics(context, throwable, "afterAll");
  }

  /** Writes a diagnostics bundle and adds its path to {@code failure}; never hides the failure. */
  private static <T extends Throwable> T withDiagnostics(
      ExtensionContext context, T failure, String step) {
    ClassState state = context.getStore(NAMESPACE).get(CLASS_STATE, ClassState.class);
    if (failure instanceof TestAbortedException
        || isMisconfiguration(failure)
        || state == null
        || state.environment().isClosed()) {
      return failure;
    }
    Path classDir = diagnosticsBase().resolve(context.getRequiredTestClass().getName());
    // Each @KubeRayVersions run keeps its own bundle.
    KubeRayVersion pinned =
        context
            .getStore(NAMESPACE)
            .get(KubeRayVersionsProvider.PINNED_VERSION, KubeRayVersion.class);
    Path dir =
        (pinned == null ? classDir : classDir.resolve(pinned.toString()))
            .resolve(step)
            .toAbsolutePath();
    try {
      deleteRecursively(dir);
      DiagnosticsBundle.of(state.environment(), state.namespace()).writeTo(dir);
      failure.addSuppressed(new DiagnosticsWritten("KubeRay diagnostics: " + dir));
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
      return failure;
    }
    publish(context, dir);
    return failure;
  }

  /**
   * Hands a copy of the bundle to JUnit's file publishing, so IDEs and reports (e.g. the Open Test
   * Reporting XML) show it with the failed test; the path in the failure stays for plain console
   * runs.
   */
  private static void publish(ExtensionContext context, Path bundle) {
    try {
      context.publishDirectory(PUBLISHED_DIRECTORY, target -> copyTree(bundle, target));
    } catch (RuntimeException e) {
      // Some launchers (e.g. the engine test kit by default) have no output directory; the path in
      // the failure remains.
      LoggerFactory.getLogger(KubeRayExtension.class)
          .info("Diagnostics bundle {} not published through JUnit: {}", bundle, e.getMessage());
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** A misconfiguration says all there is to say; a cluster dump would only bury it. */
  private static boolean isMisconfiguration(Throwable failure) {
    return failure instanceof ExtensionConfigurationException
        || (failure instanceof ParameterResolutionException
            && failure.getCause() instanceof ExtensionConfigurationException);
  }

  private static Path diagnosticsBase() {
    return Path.of(
        SettingsReader.get(Setting.DIAGNOSTICS_DIR).orElse(KubeRayTest.DEFAULT_DIAGNOSTICS_DIR));
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clear old diagnostics in " + dir, e);
    }
  }

  /**
   * {@code kr-<class>-<5 random>}: a valid, unique namespace name that says which class made it.
   */
  static String namespaceFor(Class<?> testClass) {
    String base =
        testClass
            .getSimpleName()
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("(^-+)|(-+$)", "");
    if (base.length() > 50) {
      base = base.substring(0, 50).replaceAll("-+$", "");
    }
    StringBuilder name =
        new StringBuilder("kr-").append(base.isEmpty() ? "test" : base).append('-');
    for (int i = 0; i < 5; i++) {
      name.append(
          NAMESPACE_CHARS.charAt(ThreadLocalRandom.current().nextInt(NAMESPACE_CHARS.length())));
    }
    return name.toString();
  }

  /** Carries the diagnostics path as a suppressed exception; no stack trace of its own. */
  static final class DiagnosticsWritten extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DiagnosticsWritten(String message) {
      super(message, null, false, false);
    }
  }
}
