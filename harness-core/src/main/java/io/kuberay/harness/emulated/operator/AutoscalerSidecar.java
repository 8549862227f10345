package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code enableInTreeAutoscaling: true} adds to the head pod ({@code DefaultHeadPodTemplate},
 * {@code BuildAutoscalerContainer}, {@code mergeAutoscalerOverrides}): the {@code autoscaler}
 * container with the Ray image, the cluster's service account, {@code RAY_enable_autoscaler_v2} on
 * the Ray container when {@code autoscalerOptions.version} is set (v1.5.0+: v2 only; v1.7.0: v1
 * too) and restartPolicy Never with v2.
 */
final class AutoscalerSidecar {

  static final String CONTAINER = "autoscaler";
  static final String V2_ENV = "RAY_enable_autoscaler_v2";
  static final String START_COMMAND =
      "ray kuberay-autoscaler --cluster-name $(RAY_CLUSTER_NAME) --cluster-namespace $(RAY_CLUSTER_NAMESPACE)";

  private final OperatorFlavor flavor;
  private final RayClusterView cluster;
  private final Map<String, Object> options;

  AutoscalerSidecar(OperatorFlavor flavor, RayClusterView cluster) {
    this.flavor = flavor;
    this.cluster = cluster;
    this.options = Maps.map(cluster.spec().get("autoscalerOptions"));
  }

  /**
   * {@code utils.GetHeadGroupServiceAccountName}: the head template's own, else the cluster's name.
   */
  static String serviceAccountName(RayClusterView cluster) {
    PodSpec spec = cluster.headTemplate().getSpec();
    String own = spec == null ? null : spec.getServiceAccountName();
    return own == null || own.isEmpty() ? cluster.name() : own;
  }

  /** The head pod spec (Ray container first) with what autoscaling adds; a no-op when it is off. */
  void addTo(PodSpec spec) {
    spec.setServiceAccountName(HeadServiceFactory.checkName(serviceAccountName(cluster)));
    Container ray = spec.getContainers().get(0);
    List<Container> containers = new ArrayList<>(spec.getContainers());
    containers.add(container(ray.getImage()));
    spec.setContainers(containers);
    Optional<String> version = version();
    if (version.isPresent() && flavor.version().isAtLeast(KubeRayVersion.V1_5_0)) {
      boolean v2 = "v2".equals(version.get());
      if (v2 || flavor.version().isAtLeast(KubeRayVersion.V1_7_0) && "v1".equals(version.get())) {
        List<EnvVar> env = ray.getEnv() == null ? new ArrayList<>() : new ArrayList<>(ray.getEnv());
        env.add(new EnvVar(V2_ENV, v2 ? "true" : "false", null));
        ray.setEnv(env);
      }
      if (v2) {
        spec.setRestartPolicy("Never");
      }
    }
  }

  /**
   * v1.5.0+ {@code DefaultWorkerPodTemplate}: with autoscaler v2 worker pods never restart either.
   */
  void addToWorker(PodSpec spec) {
    if (flavor.version().isAtLeast(KubeRayVersion.V1_5_0) && "v2".equals(version().orElse(""))) {
      spec.setRestartPolicy("Never");
    }
  }

  private Optional<String> version() {
    return Maps.string(options, "version");
  }

  Container container(String rayImage) {
    boolean modern = flavor.version().isAtLeast(KubeRayVersion.V1_5_0);
    List<EnvVar> env =
        new ArrayList<>(
            List.of(
                PodFactory.fieldRef("RAY_CLUSTER_NAME", "metadata.labels['ray.io/cluster']"),
                PodFactory.fieldRef("RAY_CLUSTER_NAMESPACE", "metadata.namespace"),
                PodFactory.fieldRef("RAY_HEAD_POD_NAME", "metadata.name"),
                new EnvVar("KUBERAY_CRD_VER", "v1", null)));
    if (flavor.version().isAtLeast(KubeRayVersion.V1_7_0)) {
      env.add(new EnvVar("KUBERAY_GEN_AUTOSCALER_START_CMD", START_COMMAND, null));
    }
    ResourceRequirements resources =
        new ResourceRequirementsBuilder()
            .addToLimits("cpu", new Quantity("500m"))
            .addToLimits("memory", new Quantity("512Mi"))
            .addToRequests("cpu", new Quantity("500m"))
            .addToRequests("memory", new Quantity("512Mi"))
            .build();
    ContainerBuilder builder =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(rayImage)
            .withImagePullPolicy("IfNotPresent")
            .withEnv(env)
            .withResources(resources);
    if (modern) {
      // utils.GetContainerCommand: bash -c (no login shell), the command as one argument.
      builder.withCommand("/bin/bash", "-c", "--").withArgs(START_COMMAND);
    } else {
      builder
          .withCommand("ray")
          .withArgs(
              "kuberay-autoscaler",
              "--cluster-name",
              "$(RAY_CLUSTER_NAME)",
              "--cluster-namespace",
              "$(RAY_CLUSTER_NAMESPACE)");
    }
    Container container = builder.build();
    new TokenAuth(flavor, cluster).configureContainer(container);
    mergeOverrides(container);
    return container;
  }

  /**
   * {@code mergeAutoscalerOverrides}: fields replace, lists append; command and args from v1.7.0.
   */
  private void mergeOverrides(Container c) {
    if (options.get("resources") != null) {
      c.setResources(Json.convert(options.get("resources"), ResourceRequirements.class));
    }
    Maps.string(options, "image").ifPresent(c::setImage);
    Maps.string(options, "imagePullPolicy").ifPresent(c::setImagePullPolicy);
    for (Object e : Maps.list(options.get("env"))) {
      c.getEnv().add(Json.convert(e, EnvVar.class));
    }
    for (Object e : Maps.list(options.get("envFrom"))) {
      List<EnvFromSource> from =
          c.getEnvFrom() == null ? new ArrayList<>() : new ArrayList<>(c.getEnvFrom());
      from.add(Json.convert(e, EnvFromSource.class));
      c.setEnvFrom(from);
    }
    for (Object m : Maps.list(options.get("volumeMounts"))) {
      List<VolumeMount> mounts =
          c.getVolumeMounts() == null ? new ArrayList<>() : new ArrayList<>(c.getVolumeMounts());
      mounts.add(Json.convert(m, VolumeMount.class));
      c.setVolumeMounts(mounts);
    }
    if (options.get("securityContext") != null) {
      c.setSecurityContext(Json.convert(options.get("securityContext"), SecurityContext.class));
    }
    if (flavor.version().isAtLeast(KubeRayVersion.V1_7_0)) {
      List<String> command =
          Maps.list(options.get("command")).stream().map(String::valueOf).toList();
      List<String> args = Maps.list(options.get("args")).stream().map(String::valueOf).toList();
      if (!command.isEmpty()) {
        c.setCommand(new ArrayList<>(command));
      }
      if (!args.isEmpty()) {
        c.setArgs(new ArrayList<>(args));
      }
    }
  }
}
