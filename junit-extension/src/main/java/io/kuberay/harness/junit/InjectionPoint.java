package io.kuberay.harness.junit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.ray.RayJobsClient;
import io.kuberay.harness.rayservice.RayServices;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * A field or parameter to inject, with the one rule for what goes into it: the type chooses, and
 * {@link ClusterName}, {@link HeadPod} and {@link KubeRayNamespace} refine.
 */
record InjectionPoint(
    String description,
    Class<?> type,
    Optional<String> clusterName,
    boolean headPod,
    boolean namespace) {

  /** The types a parameter may have without any of our annotations. */
  private static final Set<Class<?>> INJECTABLE =
      Set.of(
          KubeRayEnvironment.class,
          KubernetesClient.class,
          RayClusterHandle.class,
          PodHandle.class,
          RayJobsClient.class,
          RayServices.class);

  private static final String SUPPORTED =
      "a KubeRayEnvironment, KubernetesClient, RayClusterHandle, RayJobsClient, RayServices, @HeadPod PodHandle or @KubeRayNamespace String";

  static InjectionPoint of(Field field) {
    return new InjectionPoint(
        "field '" + field.getName() + "' of " + field.getDeclaringClass().getName(),
        field.getType(),
        AnnotationSupport.findAnnotation(field, ClusterName.class).map(ClusterName::value),
        AnnotationSupport.isAnnotated(field, HeadPod.class),
        AnnotationSupport.isAnnotated(field, KubeRayNamespace.class));
  }

  static InjectionPoint of(ParameterContext parameter) {
    return new InjectionPoint(
        "parameter "
            + parameter.getIndex()
            + " of "
            + parameter.getDeclaringExecutable().getDeclaringClass().getName()
            + "."
            + parameter.getDeclaringExecutable().getName()
            + "()",
        parameter.getParameter().getType(),
        parameter.findAnnotation(ClusterName.class).map(ClusterName::value),
        parameter.isAnnotated(HeadPod.class),
        parameter.isAnnotated(KubeRayNamespace.class));
  }

  /** Whether the extension takes this parameter: an injectable type or one of our annotations. */
  static boolean claims(ParameterContext parameter) {
    return INJECTABLE.contains(parameter.getParameter().getType())
        || parameter.isAnnotated(KubeRayResource.class)
        || parameter.isAnnotated(ClusterName.class)
        || parameter.isAnnotated(HeadPod.class)
        || parameter.isAnnotated(KubeRayNamespace.class);
  }

  /**
   * Checks what can be checked before anything runs: type, qualifiers, and that a field can be
   * written.
   */
  void check(Optional<Field> field) {
    if (field.isPresent() && Modifier.isFinal(field.get().getModifiers())) {
      throw Misconfiguration.of(
          "@KubeRayResource on " + description,
          "a non-final field",
          "a final field",
          "remove 'final'");
    }
    if (!INJECTABLE.contains(type) && !(type == String.class && namespace)) {
      String found = type == String.class ? "String without @KubeRayNamespace" : type.getName();
      String fix =
          type == String.class
              ? "add @KubeRayNamespace"
              : "change the type to one of those, or remove the annotation";
      throw Misconfiguration.of("KubeRay injection into " + description, SUPPORTED, found, fix);
    }
    if (type == PodHandle.class && !headPod) {
      throw Misconfiguration.of(
          "KubeRay injection into " + description,
          "@HeadPod on a PodHandle",
          "PodHandle without @HeadPod",
          "add @HeadPod (other pods: RayClusterHandle.workerPods() or KubeRayEnvironment.pod(namespace, name))");
    }
  }

  Object resolve(ClassState state) {
    if (type == KubeRayEnvironment.class) {
      return state.environment();
    }
    if (type == KubernetesClient.class) {
      return state.environment().client();
    }
    if (type == RayClusterHandle.class) {
      return cluster(state);
    }
    if (type == PodHandle.class) {
      return cluster(state).headPod();
    }
    if (type == RayJobsClient.class) {
      // The Jobs API of the chosen cluster's head, as the tutorial's port-forward to 8265 gives it.
      return cluster(state).jobsClient();
    }
    if (type == RayServices.class) {
      // The test's namespace: RayServices it creates there go with the class's clean-up.
      return state.environment().rayServices().inNamespace(state.namespace());
    }
    return state.namespace();
  }

  private RayClusterHandle cluster(ClassState state) {
    Map<String, RayClusterHandle> clusters = state.clusters();
    List<String> names = state.clusterNames();
    if (clusterName.isPresent()) {
      RayClusterHandle cluster = clusters.get(clusterName.get());
      if (cluster == null) {
        throw Misconfiguration.of(
            "@ClusterName(\"" + clusterName.get() + "\") on " + description,
            "one of the clusters " + names,
            "'" + clusterName.get() + "'",
            "use one of those names, or declare the cluster in @KubeRayTest(clusters = ...)");
      }
      return cluster;
    }
    if (names.size() == 1) {
      return clusters.get(names.get(0));
    }
    if (names.isEmpty()) {
      throw Misconfiguration.of(
          "KubeRay injection into " + description,
          "a cluster declared in @KubeRayTest(clusters = ...)",
          "no clusters",
          "add e.g. @RayCluster(helmRelease = \"raycluster\") to the class's @KubeRayTest");
    }
    throw Misconfiguration.of(
        "KubeRay injection into " + description,
        "exactly one cluster, or @ClusterName to choose one",
        "clusters " + names,
        "add @ClusterName(\"" + names.get(0) + "\")");
  }
}
