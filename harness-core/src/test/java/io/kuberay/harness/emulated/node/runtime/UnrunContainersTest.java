package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.emulated.support.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which containers of a Ray pod the node does not run, and where its Ray ports are. */
class UnrunContainersTest {

  private static Pod pod(String containers, String startCommand) {
    return Json.SERDE.unmarshal(
        "--- {metadata: {name: head, namespace: default}, spec: {containers: "
            + containers.replace(
                "ENV", "env: [{name: KUBERAY_GEN_RAY_START_CMD, value: '" + startCommand + "'}]")
            + "}}",
        Pod.class);
  }

  @Test
  void aKubeRbacProxyOrFluentBitSidecarIsNotRunButTheAutoscalerAndSubmitterAre() {
    Pod pod =
        pod(
            "[{name: ray-head, image: 'rayproject/ray:2.46.0', ENV},"
                + " {name: autoscaler, image: 'rayproject/ray:2.46.0'},"
                + " {name: kube-rbac-proxy, image: 'quay.io/brancz/kube-rbac-proxy:v0.18.1'},"
                + " {name: ray-job-submitter, image: 'rayproject/ray:2.46.0'},"
                + " {name: fluentbit, image: 'fluent/fluent-bit:3.2.2'}]",
            "ray start --head");

    assertThat(UnrunContainers.of(pod))
        .extracting(Container::getName)
        .containsExactly("kube-rbac-proxy", "fluentbit");
    assertThat(UnrunContainers.message(UnrunContainers.of(pod).get(0)))
        .startsWith(
            "container kube-rbac-proxy (image quay.io/brancz/kube-rbac-proxy:v0.18.1) is not run")
        .contains("k3s backend");
  }

  @Test
  void thePortsFollowTheStartFlagsAndNothingListeningNamesTheContainersNotRun() {
    // ray-cluster.auth.yaml: the dashboard on 127.0.0.1:8443, kube-rbac-proxy on 8265.
    Pod pod =
        pod(
            "[{name: ray-head, image: 'rayproject/ray:2.46.0', ENV},"
                + " {name: kube-rbac-proxy, image: 'quay.io/brancz/kube-rbac-proxy:v0.18.1'}]",
            "ulimit -n 65536; ray start --head --dashboard-host=127.0.0.1 --dashboard-port=8443"
                + " --metrics-export-port=8080 --block");

    RayPodPorts ports = RayPodPorts.of(RayProcessPodRuntime.startParams(pod));

    assertThat(ports).isEqualTo(new RayPodPorts(6379, 10001, 8443, 8080, 52365));
    assertThat(UnrunContainers.nothingListens(pod, 8265, ports.describe()))
        .isEqualTo(
            "connect: connection refused: nothing listens on port 8265 of pod default/head in the"
                + " emulated cluster: its Ray"
                + " container listens on 6379 (GCS), 10001 (Ray client), 8443 (dashboard, head"
                + " only), 8080 (metrics), 52365 (dashboard agent), and the emulated node does not"
                + " run its other container kube-rbac-proxy, which may be what listens there (use"
                + " the k3s backend for it)");
    assertThat(RayPodPorts.of(Map.of()).dashboard()).isEqualTo(8265);
  }
}
