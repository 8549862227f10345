package io.kuberay.harness.junit;

import io.kuberay.harness.KubeRayVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * One run of a {@link KubeRayVersions} class per listed release; the release reaches {@link
 * KubeRayExtension} through the run's store.
 */
class KubeRayVersionsProvider implements ClassTemplateInvocationContextProvider {

  static final String PINNED_VERSION = "pinned-kuberay-version";

  @Override
  public boolean supportsClassTemplate(ExtensionContext context) {
    return AnnotationSupport.isAnnotated(context.getRequiredTestClass(), KubeRayVersions.class);
  }

  @Override
  public Stream<ClassTemplateInvocationContext> provideClassTemplateInvocationContexts(
      ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    String where = "@KubeRayVersions on " + testClass.getName();
    String[] listed =
        AnnotationSupport.findAnnotation(testClass, KubeRayVersions.class).orElseThrow().value();
    if (listed.length == 0) {
      throw Misconfiguration.of(
          where,
          "at least one KubeRay release",
          "none",
          "list them, e.g. @KubeRayVersions({\"v1.1.0\", \"v1.5.0\"})");
    }
    List<KubeRayVersion> versions = new ArrayList<>();
    for (String value : listed) {
      KubeRayVersion version;
      try {
        version = KubeRayVersion.of(value);
      } catch (IllegalArgumentException e) {
        throw Misconfiguration.of(
            where,
            "releases among " + KubeRayVersion.SUPPORTED,
            "'" + value + "'",
            "use supported releases only",
            e);
      }
      if (versions.contains(version)) {
        throw Misconfiguration.of(
            where, "each release once", version + " twice", "remove the repeated one");
      }
      versions.add(version);
    }
    return versions.stream().map(VersionRun::new);
  }

  private record VersionRun(KubeRayVersion version) implements ClassTemplateInvocationContext {
    @Override
    public String getDisplayName(int invocationIndex) {
      return "[" + invocationIndex + "] KubeRay " + version;
    }

    @Override
    public void prepareInvocation(ExtensionContext context) {
      context.getStore(KubeRayExtension.NAMESPACE).put(PINNED_VERSION, version);
    }
  }
}
