package io.kuberay.harness.emulated.operator;

import static io.kuberay.harness.emulated.operator.UpstreamSpecs.UID;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.cluster;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.flavor;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.head;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * KubeRay v1.7.0's token authentication, from its Go tests: {@code TestReconcile_AuthSecret},
 * {@code …_SkipWhenK8sTokenAuthEnabled}, {@code TestReconcileAuthSecret_WithSecretName}, {@code
 * TestReconcile_PodsWithAuthToken}, {@code TestReconcilePodsWithAuthTokenSecretName}, {@code
 * TestBuildPod_WithEnableK8sTokenAuth(_InitContainer)}; and where {@code configureTokenAuth} puts
 * the env among KubeRay's own (it runs in the pod template's defaults, before {@code BuildPod}).
 */
class TokenAuthUpstreamTest {

  private static final String SVC = "raycluster-sample-head-svc";
  private static final String TOKEN = "  rayVersion: '2.52.0'\n  authOptions: {mode: token}\n";
  private static final EnvVar MODE = new EnvVar("RAY_AUTH_MODE", "token", null);

  private static EnvVar tokenFrom(String secret) {
    return new EnvVarBuilder()
        .withName("RAY_AUTH_TOKEN")
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey("auth_token")
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  private static Pod headPod(String version, RayClusterView c) {
    return new PodFactory(flavor(version)).headPod(c, SVC);
  }

  private static Pod workerPod(String version, RayClusterView c) {
    return new PodFactory(flavor(version)).workerPod(c, c.workerGroups().get(0), SVC);
  }

  private static List<String> names(Container c) {
    return c.getEnv().stream().map(EnvVar::getName).toList();
  }

  private static Container init(Pod pod, String name) {
    return pod.getSpec().getInitContainers().stream()
        .filter(c -> name.equals(c.getName()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theSecretHoldsA32ByteBase64TokenLabelledAndControlledByTheCluster() {
    RayClusterView c = cluster(TOKEN + head("") + worker(""));
    TokenAuth auth = new TokenAuth(flavor("v1.7.0"), c);
    assertThat(auth.createsSecret()).isTrue();
    Secret secret = auth.secret(c);
    assertThat(secret.getMetadata().getName()).isEqualTo("raycluster-sample");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(secret.getMetadata().getLabels())
        .containsExactlyEntriesOf(Map.of("ray.io/cluster", "raycluster-sample"));
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("RayCluster");
              assertThat(o.getUid()).isEqualTo(UID);
              assertThat(o.getController()).isTrue();
            });
    String token = secret.getStringData().get("auth_token");
    assertThat(Base64.getDecoder().decode(token)).hasSize(32);
    assertThat(auth.secret(c).getStringData().get("auth_token")).isNotEqualTo(token);
  }

  @Test
  void noSecretForK8sDelegatedAuthAUsersSecretDisabledModeOrAnOlderRelease() {
    String group = head("") + worker("");
    assertThat(
            new TokenAuth(
                    flavor("v1.7.0"),
                    cluster("  authOptions: {mode: token, enableK8sTokenAuth: true}\n" + group))
                .createsSecret())
        .isFalse();
    assertThat(
            new TokenAuth(
                    flavor("v1.7.0"),
                    cluster("  authOptions: {mode: token, secretName: provided-secret}\n" + group))
                .createsSecret())
        .isFalse();
    assertThat(
            new TokenAuth(flavor("v1.7.0"), cluster("  authOptions: {mode: disabled}\n" + group))
                .createsSecret())
        .isFalse();
    assertThat(new TokenAuth(flavor("v1.5.0"), cluster(TOKEN + group)).createsSecret()).isFalse();
    assertThat(new TokenAuth(flavor("v1.7.0"), cluster(group)).createsSecret()).isFalse();
  }

  @Test
  void anEmptyModeGetsASecretButNoEnvAsInReconcileAuthSecret() {
    RayClusterView c = cluster("  authOptions: {}\n" + head("") + worker(""));
    assertThat(new TokenAuth(flavor("v1.7.0"), c).createsSecret()).isTrue();
    assertThat(names(headPod("v1.7.0", c).getSpec().getContainers().get(0)))
        .doesNotContain("RAY_AUTH_MODE", "RAY_AUTH_TOKEN");
  }

  @Test
  void everyRayContainerGetsTheModeAndTheTokenFromTheSecretBeforeKubeRaysOwnEnv() {
    RayClusterView c = cluster(TOKEN + head("") + worker(""));
    Container headRay = headPod("v1.7.0", c).getSpec().getContainers().get(0);
    assertThat(headRay.getEnv()).contains(MODE, tokenFrom("raycluster-sample"));
    assertThat(names(headRay))
        .startsWith("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_CLUSTER_NAME")
        .doesNotHaveDuplicates();
    Pod worker = workerPod("v1.7.0", c);
    Container workerRay = worker.getSpec().getContainers().get(0);
    assertThat(workerRay.getEnv()).contains(MODE, tokenFrom("raycluster-sample"));
    assertThat(names(workerRay)).startsWith("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "FQ_RAY_IP");
    // wait-gcs-ready runs `ray health-check` against the GCS, which checks the token too.
    assertThat(names(init(worker, "wait-gcs-ready")))
        .containsExactly("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "FQ_RAY_IP", "RAY_IP");
  }

  @Test
  void aUsersSecretNameIsWhatTheEnvReferences() {
    RayClusterView c =
        cluster(
            "  rayVersion: '2.52.0'\n  authOptions: {mode: token, secretName: provided-secret}\n"
                + head("")
                + worker(""));
    assertThat(headPod("v1.7.0", c).getSpec().getContainers().get(0).getEnv())
        .contains(tokenFrom("provided-secret"));
    assertThat(workerPod("v1.7.0", c).getSpec().getContainers().get(0).getEnv())
        .contains(tokenFrom("provided-secret"));
  }

  @Test
  void theAutoscalerGetsTheEnvBeforeItsOptionsEnvAndAUsersOwnModeIsKept() {
    RayClusterView c =
        cluster(
            TOKEN
                + "  enableInTreeAutoscaling: true\n"
                + "  autoscalerOptions: {env: [{name: EXTRA, value: x}]}\n"
                + "  headGroupSpec:\n    template:\n      spec:\n        containers:\n"
                + "        - name: ray-head\n          image: rayproject/ray:2.52.0\n"
                + "          env: [{name: RAY_AUTH_MODE, value: token}]\n"
                + worker(""));
    Pod head = headPod("v1.7.0", c);
    Container autoscaler = head.getSpec().getContainers().get(1);
    assertThat(autoscaler.getName()).isEqualTo("autoscaler");
    assertThat(names(autoscaler)).endsWith("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "EXTRA");
    assertThat(names(head.getSpec().getContainers().get(0)))
        .containsOnlyOnce("RAY_AUTH_MODE")
        .contains("RAY_AUTH_TOKEN");
  }

  @Test
  void k8sDelegatedAuthSetsItsEnvAndTheProjectedTokenVolumeInsteadOfTheSecret() {
    RayClusterView c =
        cluster(
            "  rayVersion: '2.55.0'\n  authOptions: {mode: token, enableK8sTokenAuth: true}\n"
                + head("")
                + worker(""));
    Pod head = headPod("v1.7.0", c);
    Container ray = head.getSpec().getContainers().get(0);
    assertThat(ray.getEnv())
        .contains(MODE, new EnvVar("RAY_ENABLE_K8S_TOKEN_AUTH", "true", null))
        .noneMatch(e -> "RAY_AUTH_TOKEN".equals(e.getName()));
    assertThat(ray.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("ray-token");
              assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/ray.io/serviceaccount");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(head.getSpec().getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("ray-token");
              assertThat(v.getProjected().getSources().get(0).getServiceAccountToken().getPath())
                  .isEqualTo("token");
            });
    assertThat(init(workerPod("v1.7.0", c), "wait-gcs-ready").getVolumeMounts())
        .anyMatch(m -> "ray-token".equals(m.getName()));
  }

  @Test
  void v150IgnoresAuthOptions() {
    RayClusterView c = cluster(TOKEN + head("") + worker(""));
    assertThat(names(headPod("v1.5.0", c).getSpec().getContainers().get(0)))
        .doesNotContain("RAY_AUTH_MODE", "RAY_AUTH_TOKEN");
  }
}
