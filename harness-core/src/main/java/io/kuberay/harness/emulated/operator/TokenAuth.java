package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.ray.RayAuthToken;
import io.kuberay.harness.ray.RayJobsClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * KubeRay v1.6+'s Ray token authentication ({@code spec.authOptions}): the token Secret {@code
 * reconcileAuthSecret} creates and the env {@code SetContainerTokenAuthEnvVars} gives the Ray
 * containers, the autoscaler, {@code wait-gcs-ready} and the RayJob submitter. Ray itself, run by
 * the emulated node with that env, then checks the token. Also the token the operator's own
 * dashboard client sends ({@code GetRayDashboardClientFunc}), read from the Secret on every client
 * it makes: a missing Secret or key fails the reconcile with the operator's message, and it is
 * retried.
 */
public final class TokenAuth {

  static final String MODE_ENV = "RAY_AUTH_MODE";
  static final String TOKEN_ENV = "RAY_AUTH_TOKEN";
  static final String K8S_ENV = "RAY_ENABLE_K8S_TOKEN_AUTH";
  static final String TOKEN_VOLUME = "ray-token";
  static final String TOKEN_MOUNT_PATH = "/var/run/secrets/ray.io/serviceaccount";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final OperatorFlavor flavor;
  private final String clusterName;
  private final Map<String, Object> spec;
  private final Map<String, Object> options;

  TokenAuth(OperatorFlavor flavor, RayClusterView cluster) {
    this(flavor, cluster.name(), cluster.spec());
  }

  TokenAuth(OperatorFlavor flavor, String clusterName, Map<String, Object> clusterSpec) {
    this.flavor = flavor;
    this.clusterName = clusterName;
    this.spec = clusterSpec;
    this.options = Maps.map(clusterSpec.get("authOptions"));
  }

  /** {@code utils.IsAuthEnabled}: mode token, in a release that has authOptions. */
  boolean enabled() {
    return flavor.tokenAuth() && RayAuthToken.tokenMode(spec);
  }

  /** {@code utils.IsK8sAuthEnabled}. */
  boolean k8sDelegated() {
    return RayAuthToken.k8sDelegated(spec);
  }

  /**
   * The Secret name {@code reconcileAuthSecret} creates, if it creates one: authOptions set with a
   * mode other than {@code disabled} (an empty mode too, which then injects no env), neither K8s
   * delegated auth nor the user's own {@code secretName}.
   */
  boolean createsSecret() {
    if (!flavor.tokenAuth() || spec.get("authOptions") == null) {
      return false;
    }
    Object secretName = options.get("secretName");
    return !"disabled".equals(options.get("mode"))
        && !k8sDelegated()
        && !(secretName instanceof String s && !s.isEmpty());
  }

  String secretName() {
    return RayAuthToken.secretName(clusterName, spec);
  }

  /**
   * {@code createAuthSecret}: 32 random bytes, base64, under {@code auth_token}; labelled with the
   * cluster and controlled by it.
   */
  Secret secret(RayClusterView cluster) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(RayAuthToken.checkName(cluster.name()))
        .withNamespace(cluster.namespace())
        .withLabels(Map.of(Labels.CLUSTER, cluster.name()))
        .withOwnerReferences(PodFactory.owner(cluster))
        .endMetadata()
        .withStringData(Map.of(RayAuthToken.SECRET_KEY, Base64.getEncoder().encodeToString(bytes)))
        .build();
  }

  /**
   * {@code configureTokenAuth} without the Ray container's env (which {@link #addEnv} puts in its
   * place among KubeRay's): the Ray container's token mount and the pod's token volume with K8s
   * delegated auth, and the env of any {@code wait-gcs-ready} init container.
   */
  void configurePod(PodSpec pod) {
    if (!enabled()) {
      return;
    }
    if (k8sDelegated()) {
      addMount(pod.getContainers().get(0));
      addTokenVolume(pod);
    }
    pod.getInitContainers().stream()
        .filter(c -> "wait-gcs-ready".equals(c.getName()))
        .forEach(this::setEnv);
  }

  /** {@link #setEnv} when the cluster has token auth: the autoscaler's and submitter's part. */
  void configureContainer(Container container) {
    if (enabled()) {
      setEnv(container);
    }
  }

  /** {@code SetContainerTokenAuthEnvVars}: the env and, delegated to Kubernetes, the mount. */
  void setEnv(Container container) {
    List<EnvVar> env =
        container.getEnv() == null ? new ArrayList<>() : new ArrayList<>(container.getEnv());
    addEnv(env);
    container.setEnv(env);
    if (k8sDelegated()) {
      addMount(container);
    }
  }

  /**
   * The env of {@code SetContainerTokenAuthEnvVars}, when the cluster has token auth: {@code
   * RAY_AUTH_MODE=token} and the token from the Secret (delegated to Kubernetes: {@code
   * RAY_ENABLE_K8S_TOKEN_AUTH=true} instead), each unless set already.
   */
  void addEnv(List<EnvVar> env) {
    if (!enabled()) {
      return;
    }
    if (absent(env, MODE_ENV)) {
      env.add(new EnvVar(MODE_ENV, "token", null));
    }
    if (k8sDelegated()) {
      if (absent(env, K8S_ENV)) {
        env.add(new EnvVar(K8S_ENV, "true", null));
      }
    } else if (absent(env, TOKEN_ENV)) {
      env.add(
          new EnvVarBuilder()
              .withName(TOKEN_ENV)
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(secretName())
              .withKey(RayAuthToken.SECRET_KEY)
              .endSecretKeyRef()
              .endValueFrom()
              .build());
    }
  }

  private static void addMount(Container container) {
    List<VolumeMount> mounts =
        container.getVolumeMounts() == null
            ? new ArrayList<>()
            : new ArrayList<>(container.getVolumeMounts());
    if (mounts.stream().noneMatch(m -> TOKEN_VOLUME.equals(m.getName()))) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(TOKEN_VOLUME)
              .withMountPath(TOKEN_MOUNT_PATH)
              .withReadOnly(true)
              .build());
      container.setVolumeMounts(mounts);
    }
  }

  /** {@code AddRayTokenVolume}: the service account token, projected, once. */
  static void addTokenVolume(PodSpec pod) {
    List<Volume> volumes =
        pod.getVolumes() == null ? new ArrayList<>() : new ArrayList<>(pod.getVolumes());
    if (volumes.stream().anyMatch(v -> TOKEN_VOLUME.equals(v.getName()))) {
      return;
    }
    volumes.add(
        new VolumeBuilder()
            .withName(TOKEN_VOLUME)
            .withNewProjected()
            .addNewSource()
            .withNewServiceAccountToken()
            .withPath("token")
            .endServiceAccountToken()
            .endSource()
            .endProjected()
            .build());
    pod.setVolumes(volumes);
  }

  /**
   * The token the operator's dashboard client sends for {@code cluster}; empty without token mode
   * or in a release before authOptions.
   *
   * @throws IllegalStateException naming the Secret when it or its key is missing
   */
  public static Optional<String> dashboardToken(
      KubernetesClient client, OperatorFlavor flavor, GenericKubernetesResource cluster) {
    if (cluster == null || !flavor.tokenAuth()) {
      return Optional.empty();
    }
    return RayAuthToken.read(
        client,
        cluster.getMetadata().getNamespace(),
        cluster.getMetadata().getName(),
        Maps.map(cluster.getAdditionalProperties().get("spec")));
  }

  /** The Jobs API client the operator uses for the RayCluster {@code namespace/name}. */
  static RayJobsClient dashboardJobs(
      KubernetesClient client,
      OperatorFlavor flavor,
      URI dashboard,
      String namespace,
      String name) {
    RayJobsClient jobs = RayJobsClient.connect(dashboard);
    if (!flavor.tokenAuth()) {
      return jobs;
    }
    GenericKubernetesResource cluster =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace(namespace)
            .withName(name)
            .get();
    return dashboardToken(client, flavor, cluster).map(jobs::withAuthToken).orElse(jobs);
  }

  /** An env var's value as the kubelet gives it: its value, or its Secret key's (empty if gone). */
  static Optional<String> value(KubernetesClient client, String namespace, EnvVar var) {
    if (var.getValueFrom() == null) {
      return Optional.ofNullable(var.getValue());
    }
    SecretKeySelector ref = var.getValueFrom().getSecretKeyRef();
    if (ref == null) {
      return Optional.empty();
    }
    Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
    if (secret == null) {
      return Optional.empty();
    }
    if (secret.getData() != null && secret.getData().get(ref.getKey()) != null) {
      return Optional.of(
          new String(
              Base64.getDecoder().decode(secret.getData().get(ref.getKey())),
              StandardCharsets.UTF_8));
    }
    return Optional.ofNullable(
        secret.getStringData() == null ? null : secret.getStringData().get(ref.getKey()));
  }

  private static boolean absent(List<EnvVar> env, String name) {
    return env.stream().noneMatch(e -> name.equals(e.getName()));
  }
}
