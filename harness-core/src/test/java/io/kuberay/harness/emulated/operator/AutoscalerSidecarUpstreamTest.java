package io.kuberay.harness.emulated.operator;

import static io.kuberay.harness.emulated.operator.UpstreamSpecs.cluster;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.flavor;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.head;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cases of KubeRay's {@code common/pod_test.go} for autoscaling: {@code
 * TestBuildPod_WithAutoscalerEnabled}, {@code TestBuildPodWithAutoscalerOptions}, {@code
 * TestHeadPodTemplate_AutoscalerImage}, {@code TestHeadPodTemplate_WithServiceAccount*}, {@code
 * TestDefaultHeadPodTemplate_Autoscaling}, {@code TestDefaultWorkerPodTemplate_Autoscaling}
 * (v1.5.0+), {@code TestSetAutoscalerV1EnvVars} and {@code TestBuildAutoscalerContainer} (v1.7.0);
 * and {@code common/rbac.go}'s Role.
 */
class AutoscalerSidecarUpstreamTest {

  private static final String SVC = "raycluster-sample-head-svc";
  private static final String ON = "  enableInTreeAutoscaling: true\n";

  private static Pod headPod(String version, RayClusterView c) {
    return new PodFactory(flavor(version)).headPod(c, SVC);
  }

  private static Container autoscaler(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> "autoscaler".equals(c.getName()))
        .findFirst()
        .orElseThrow();
  }

  private static List<String> envNames(Container c) {
    return c.getEnv().stream().map(EnvVar::getName).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void autoscalingAddsTheSidecarNoMonitorTheSharedLogVolumeAndTheServiceAccount(String v) {
    Pod pod = headPod(v, cluster(ON + head("") + worker("")));
    assertThat(pod.getSpec().getContainers()).hasSize(2);
    assertThat(pod.getSpec().getContainers().get(0).getArgs().get(0)).contains("--no-monitor");
    Container autoscaler = autoscaler(pod);
    assertThat(autoscaler.getImage()).isEqualTo("rayproject/ray:2.52.0");
    assertThat(autoscaler.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(envNames(autoscaler))
        .startsWith(
            "RAY_CLUSTER_NAME", "RAY_CLUSTER_NAMESPACE", "RAY_HEAD_POD_NAME", "KUBERAY_CRD_VER");
    assertThat(autoscaler.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(autoscaler.getResources().getLimits().get("cpu").toString()).isEqualTo("500m");
    assertThat(autoscaler.getResources().getRequests().get("memory").toString()).isEqualTo("512Mi");
    for (Container c : pod.getSpec().getContainers()) {
      assertThat(c.getVolumeMounts()).extracting(VolumeMount::getMountPath).contains("/tmp/ray");
    }
    assertThat(pod.getSpec().getVolumes())
        .anySatisfy(
            vol -> {
              assertThat(vol.getName()).isEqualTo("ray-logs");
              assertThat(vol.getEmptyDir()).isNotNull();
            });
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("raycluster-sample");
  }

  @Test
  void v110RunsRayDirectlyWithTheFlagsAsArguments() {
    Container autoscaler = autoscaler(headPod("v1.1.0", cluster(ON + head("") + worker(""))));
    assertThat(autoscaler.getCommand()).containsExactly("ray");
    assertThat(autoscaler.getArgs())
        .containsExactly(
            "kuberay-autoscaler",
            "--cluster-name",
            "$(RAY_CLUSTER_NAME)",
            "--cluster-namespace",
            "$(RAY_CLUSTER_NAMESPACE)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void laterReleasesRunTheCommandThroughBash(String v) {
    Container autoscaler = autoscaler(headPod(v, cluster(ON + head("") + worker(""))));
    assertThat(autoscaler.getCommand()).containsExactly("/bin/bash", "-c", "--");
    assertThat(autoscaler.getArgs()).containsExactly(AutoscalerSidecar.START_COMMAND);
    assertThat(envNames(autoscaler).contains("KUBERAY_GEN_AUTOSCALER_START_CMD"))
        .isEqualTo("v1.7.0".equals(v));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void withoutAutoscalingNothingIsAdded(String v) {
    Pod pod = headPod(v, cluster(head("") + worker("")));
    assertThat(pod.getSpec().getContainers()).hasSize(1);
    assertThat(pod.getSpec().getContainers().get(0).getArgs().get(0))
        .doesNotContain("--no-monitor");
    assertThat(pod.getSpec().getServiceAccountName()).isNull();
    assertThat(pod.getSpec().getVolumes())
        .noneSatisfy(vol -> assertThat(vol.getName()).isEqualTo("ray-logs"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void autoscalerOptionsOverrideImageResourcesAndSecurityContextAndAppendEnv(String v) {
    String options =
        "  autoscalerOptions:\n    image: custom/autoscaler:1\n    imagePullPolicy: Always\n"
            + "    resources:\n      limits:\n        cpu: \"1\"\n    securityContext:\n      runAsNonRoot: true\n"
            + "    env:\n    - name: EXTRA\n      value: x\n    envFrom:\n    - configMapRef:\n        name: cm\n"
            + "    volumeMounts:\n    - name: v\n      mountPath: /v\n";
    Container autoscaler = autoscaler(headPod(v, cluster(ON + options + head("") + worker(""))));
    assertThat(autoscaler.getImage()).isEqualTo("custom/autoscaler:1");
    assertThat(autoscaler.getImagePullPolicy()).isEqualTo("Always");
    assertThat(autoscaler.getResources().getLimits()).containsOnlyKeys("cpu");
    assertThat(autoscaler.getResources().getRequests()).isNullOrEmpty();
    assertThat(autoscaler.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(envNames(autoscaler)).endsWith("EXTRA");
    assertThat(autoscaler.getEnvFrom())
        .singleElement()
        .satisfies(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo("cm"));
    assertThat(autoscaler.getVolumeMounts())
        .extracting(VolumeMount::getMountPath)
        .containsExactly("/v", "/tmp/ray");
  }

  @Test
  void v170TakesCommandAndArgsFromTheOptions() {
    String options =
        "  autoscalerOptions:\n    command: [\"/bin/sh\", \"-c\"]\n    args: [\"ulimit -n 65536; $KUBERAY_GEN_AUTOSCALER_START_CMD\"]\n";
    Container autoscaler =
        autoscaler(headPod("v1.7.0", cluster(ON + options + head("") + worker(""))));
    assertThat(autoscaler.getCommand()).containsExactly("/bin/sh", "-c");
    assertThat(autoscaler.getArgs())
        .containsExactly("ulimit -n 65536; $KUBERAY_GEN_AUTOSCALER_START_CMD");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void aServiceAccountOfTheHeadTemplateIsKept(String v) {
    String sa = "        serviceAccountName: head-service-account\n";
    String withSa = head("").replace("      spec:\n", "      spec:\n" + sa);
    assertThat(headPod(v, cluster(ON + withSa + worker(""))).getSpec().getServiceAccountName())
        .isEqualTo("head-service-account");
    assertThat(headPod(v, cluster(withSa + worker(""))).getSpec().getServiceAccountName())
        .isEqualTo("head-service-account");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void autoscalerV2SetsTheRayEnvAndRestartPolicyNeverOnHeadAndWorkers(String v) {
    RayClusterView c =
        cluster(ON + "  autoscalerOptions:\n    version: v2\n" + head("") + worker(""));
    Pod head = headPod(v, c);
    assertThat(head.getSpec().getContainers().get(0).getEnv())
        .contains(new EnvVar("RAY_enable_autoscaler_v2", "true", null));
    assertThat(head.getSpec().getRestartPolicy()).isEqualTo("Never");
    Pod worker = new PodFactory(flavor(v)).workerPod(c, c.workerGroups().get(0), SVC);
    assertThat(worker.getSpec().getRestartPolicy()).isEqualTo("Never");
    Pod v1 = headPod(v, cluster(ON + head("") + worker("")));
    assertThat(v1.getSpec().getRestartPolicy()).isNull();
    assertThat(envNames(v1.getSpec().getContainers().get(0)))
        .doesNotContain("RAY_enable_autoscaler_v2");
  }

  @Test
  void v170WritesFalseForAnExplicitV1AndV150Nothing() {
    RayClusterView c =
        cluster(ON + "  autoscalerOptions:\n    version: v1\n" + head("") + worker(""));
    assertThat(headPod("v1.7.0", c).getSpec().getContainers().get(0).getEnv())
        .contains(new EnvVar("RAY_enable_autoscaler_v2", "false", null));
    assertThat(envNames(headPod("v1.5.0", c).getSpec().getContainers().get(0)))
        .doesNotContain("RAY_enable_autoscaler_v2");
  }

  @Test
  void v110HasNoVersionSwitch() {
    RayClusterView c =
        cluster(ON + "  autoscalerOptions:\n    version: v2\n" + head("") + worker(""));
    Pod head = headPod("v1.1.0", c);
    assertThat(envNames(head.getSpec().getContainers().get(0)))
        .doesNotContain("RAY_enable_autoscaler_v2");
    assertThat(head.getSpec().getRestartPolicy()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void theRoleLetsTheAutoscalerPatchPodsAndRayClusters(String v) {
    RayClusterView c = cluster(ON + head("") + worker(""));
    var role = AutoscalerRbac.role(flavor(v), c);
    assertThat(role.getMetadata().getName()).isEqualTo("raycluster-sample");
    assertThat(role.getRules())
        .anySatisfy(
            r -> {
              assertThat(r.getResources()).containsExactly("rayclusters");
              assertThat(r.getVerbs()).containsExactly("get", "patch");
            });
    assertThat(role.getRules())
        .extracting(r -> r.getResources().get(0))
        .containsExactlyElementsOf(
            "v1.1.0".equals(v)
                ? List.of("pods", "rayclusters")
                : List.of("pods", "pods/resize", "rayclusters"));
    var binding = AutoscalerRbac.roleBinding(c);
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("raycluster-sample"));
    assertThat(binding.getRoleRef().getName()).isEqualTo("raycluster-sample");
  }
}
