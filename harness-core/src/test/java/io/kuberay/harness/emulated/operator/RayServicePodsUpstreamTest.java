package io.kuberay.harness.emulated.operator;

import static io.kuberay.harness.emulated.operator.UpstreamSpecs.cluster;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.flavor;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.head;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What KubeRay's {@code BuildPod} (common/pod.go) does for the pods of a RayService's cluster. */
class RayServicePodsUpstreamTest {

  private static final String SVC = "rayservice-sample-head-svc";
  private static final String FROM_RAY_SERVICE =
      "  labels:\n    ray.io/originated-from-crd: RayService\n"
          + "    ray.io/originated-from-cr-name: rayservice-sample\n";

  private static Pod headPod(String version, RayClusterView c) {
    return new PodFactory(flavor(version)).headPod(c, SVC);
  }

  private static Pod workerPod(String version, RayClusterView c) {
    return new PodFactory(flavor(version)).workerPod(c, c.workerGroups().get(0), SVC);
  }

  /** A worker group whose template carries {@code labels} (indent 8). */
  private static String workerWithTemplateLabels(String labels) {
    return "  workerGroupSpecs:\n  - groupName: worker-group\n    replicas: 1\n    minReplicas: 0\n    maxReplicas: 5\n"
        + "    template:\n      metadata:\n        labels:\n"
        + labels
        + "      spec:\n        containers:\n        - name: ray-worker\n          image: rayproject/ray:2.52.0\n";
  }

  /**
   * BuildPod (v1.1.0 to v1.7.0): a RayService's head starts with {@code ray.io/serve: "false"} (the
   * RayService controller flips it from the proxy's health), workers with {@code "true"} (their
   * readiness probe checks the proxy), whatever the template says; other clusters' pods get none.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void rayServicePodsStartWithTheServeLabel(String v) {
    RayClusterView c =
        cluster(
            FROM_RAY_SERVICE,
            head("") + workerWithTemplateLabels("          ray.io/serve: \"no\"\n"));
    assertThat(headPod(v, c).getMetadata().getLabels()).containsEntry("ray.io/serve", "false");
    assertThat(workerPod(v, c).getMetadata().getLabels()).containsEntry("ray.io/serve", "true");

    RayClusterView fromRayJob =
        cluster("  labels:\n    ray.io/originated-from-crd: RayJob\n", head("") + worker(""));
    assertThat(headPod(v, fromRayJob).getMetadata().getLabels()).doesNotContainKey("ray.io/serve");
    assertThat(workerPod(v, fromRayJob).getMetadata().getLabels())
        .doesNotContainKey("ray.io/serve");
  }

  private static List<String> envNames(Pod pod) {
    return pod.getSpec().getContainers().get(0).getEnv().stream().map(EnvVar::getName).toList();
  }

  /**
   * setContainerEnvVars (v1.1.0 to v1.7.0) appends the head's {@code RAY_USAGE_STATS_EXTRA_TAGS}
   * right after {@code RAY_USAGE_STATS_KUBERAY_IN_USE} without looking for the user's: the user's
   * entry stays, KubeRay's follows (the API server stores both), and {@code
   * RAY_DASHBOARD_ENABLE_K8S_DISK_USAGE} comes after it (v1.1.0: after REDIS_PASSWORD too).
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void headExtraTagsAreAppendedUnconditionallyBeforeDiskUsage(String v) {
    RayClusterView c =
        cluster(
            FROM_RAY_SERVICE,
            "  headGroupSpec:\n    template:\n      spec:\n        containers:\n"
                + "        - name: ray-head\n          image: rayproject/ray:2.52.0\n"
                + "          env:\n          - name: RAY_USAGE_STATS_EXTRA_TAGS\n            value: mine\n"
                + worker(""));
    List<EnvVar> env = headPod(v, c).getSpec().getContainers().get(0).getEnv();
    assertThat(env)
        .filteredOn(e -> "RAY_USAGE_STATS_EXTRA_TAGS".equals(e.getName()))
        .extracting(EnvVar::getValue)
        .containsExactly("mine", "kuberay_version=" + v + ";kuberay_crd=RayService");
    List<String> names = envNames(headPod(v, c));
    int tags = names.lastIndexOf("RAY_USAGE_STATS_EXTRA_TAGS");
    assertThat(names.get(tags - 1)).isEqualTo("RAY_USAGE_STATS_KUBERAY_IN_USE");
    assertThat(names.get(names.size() - 1)).isEqualTo("RAY_DASHBOARD_ENABLE_K8S_DISK_USAGE");
    if (v.equals("v1.1.0")) {
      assertThat(names.get(tags + 1)).isEqualTo("REDIS_PASSWORD");
    }
    assertThat(envNames(workerPod(v, c))).doesNotContain("RAY_USAGE_STATS_EXTRA_TAGS");
  }

  /**
   * initLivenessAndReadinessProbe: a RayService worker's readiness probe (not its liveness probe,
   * not the head's) also checks the Serve proxy on the container's {@code serve} port (default
   * 8000) with failure threshold 1; v1.1.0's wget waits 2 s, v1.5.0+ pass the initial delay (10).
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void rayServiceWorkersReadinessChecksTheServeProxy(String v) {
    boolean modern = !v.equals("v1.1.0");
    String wget = modern ? "wget --tries 1 -T " : "wget -T ";
    String raylet =
        wget + "2 -q -O- http://localhost:52365/api/local_raylet_healthz | grep success";
    RayClusterView c = cluster(FROM_RAY_SERVICE, head("") + worker(""));
    Probe readiness = workerPod(v, c).getSpec().getContainers().get(0).getReadinessProbe();
    assertThat(readiness.getExec().getCommand())
        .containsExactly(
            "bash",
            "-c",
            raylet
                + " && "
                + wget
                + (modern ? 10 : 2)
                + " -q -O- http://localhost:8000/-/healthz | grep success");
    assertThat(readiness.getFailureThreshold()).isEqualTo(1);
    assertThat(readiness.getPeriodSeconds()).isEqualTo(5);
    assertThat(readiness.getInitialDelaySeconds()).isEqualTo(10);
    assertThat(readiness.getSuccessThreshold()).isEqualTo(1);
    Probe liveness = workerPod(v, c).getSpec().getContainers().get(0).getLivenessProbe();
    assertThat(liveness.getExec().getCommand()).containsExactly("bash", "-c", raylet);
    assertThat(liveness.getFailureThreshold()).isEqualTo(120);
    Probe headReadiness = headPod(v, c).getSpec().getContainers().get(0).getReadinessProbe();
    assertThat(headReadiness.getExec().getCommand().get(2)).doesNotContain("-/healthz");
    assertThat(headReadiness.getFailureThreshold()).isEqualTo(10);

    RayClusterView servePort =
        cluster(
            FROM_RAY_SERVICE,
            head("")
                + worker("")
                + "          ports:\n          - name: serve\n            containerPort: 9000\n");
    assertThat(
            workerPod(v, servePort)
                .getSpec()
                .getContainers()
                .get(0)
                .getReadinessProbe()
                .getExec()
                .getCommand()
                .get(2))
        .endsWith("http://localhost:9000/-/healthz | grep success");

    RayClusterView plain = cluster(head("") + worker(""));
    Probe plainReadiness = workerPod(v, plain).getSpec().getContainers().get(0).getReadinessProbe();
    assertThat(plainReadiness.getExec().getCommand()).containsExactly("bash", "-c", raylet);
    assertThat(plainReadiness.getFailureThreshold()).isEqualTo(10);
  }
}
