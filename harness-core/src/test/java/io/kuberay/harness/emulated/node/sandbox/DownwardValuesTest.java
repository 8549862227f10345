package io.kuberay.harness.emulated.node.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The downward API's fieldRef values as the kubelet resolves them, the same for the node's
 * containers ({@code ContainerEnv}, downwardAPI volumes) and {@link PodEnvironment}.
 */
class DownwardValuesTest {

  /** A scheduled pod whose status has its own IPs and (not yet) a host IP. */
  private static final Pod POD =
      Serialization.unmarshal(
          """
          apiVersion: v1
          kind: Pod
          metadata:
            name: head
            namespace: ray
            uid: 0a1b
            labels: {app: ray, ray.io/node-type: head}
            annotations: {note: "a \\"b\\""}
          spec:
            nodeName: kuberay-emulated-node
            serviceAccountName: ray
            containers:
            - name: ray-head
              image: rayproject/ray:2.52.0
              env:
              - {name: HOST, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
              - {name: POD, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
              - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
          status:
            podIP: 10.42.0.17
            podIPs: [{ip: 10.42.0.17}]
          """,
          Pod.class);

  @Test
  @DisplayName(
      "status.hostIP is the node's IP, status.podIP(s) the pod's, whatever the status holds")
  void hostIpIsTheNodesAndPodIpThePods() {
    assertThat(DownwardValues.field(POD, "status.hostIP")).isEqualTo(PodEnvironment.NODE_IP);
    assertThat(DownwardValues.field(POD, "status.hostIPs")).isEqualTo(PodEnvironment.NODE_IP);
    assertThat(DownwardValues.field(POD, "status.podIP")).isEqualTo("10.42.0.17");
    assertThat(DownwardValues.field(POD, "status.podIPs")).isEqualTo("10.42.0.17");
  }

  @Test
  @DisplayName("metadata and spec fields, single labels (missing as \"\") and whole maps as files")
  void metadataAndSpec() {
    assertThat(DownwardValues.field(POD, "metadata.name")).isEqualTo("head");
    assertThat(DownwardValues.field(POD, "metadata.namespace")).isEqualTo("ray");
    assertThat(DownwardValues.field(POD, "metadata.uid")).isEqualTo("0a1b");
    assertThat(DownwardValues.field(POD, "spec.nodeName")).isEqualTo("kuberay-emulated-node");
    assertThat(DownwardValues.field(POD, "spec.host")).isEqualTo("kuberay-emulated-node");
    assertThat(DownwardValues.field(POD, "spec.serviceAccountName")).isEqualTo("ray");
    assertThat(DownwardValues.field(POD, "metadata.labels['app']")).isEqualTo("ray");
    assertThat(DownwardValues.field(POD, "metadata.labels['none']")).isEmpty();
    assertThat(DownwardValues.field(POD, "metadata.labels"))
        .isEqualTo("app=\"ray\"\nray.io/node-type=\"head\"");
    assertThat(DownwardValues.field(POD, "metadata.annotations")).isEqualTo("note=\"a \\\"b\\\"\"");
  }

  @Test
  @DisplayName("a path the kubelet does not resolve is an error in its words, not \"\"")
  void unknownPathIsAnError() {
    assertThatThrownBy(() -> DownwardValues.field(POD, "status.phase"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unsupported fieldPath: status.phase");
    assertThatThrownBy(() -> DownwardValues.field(POD, "spec.nodeName['x']"))
        .hasMessage("unsupported fieldPath: spec.nodeName['x']");
  }

  @Test
  @DisplayName("PodEnvironment resolves as the node does: hostIP is the node's, not the pod's")
  void podEnvironmentAgrees() {
    Map<String, String> env = PodEnvironment.of(POD, "ray-head", Map.of());

    assertThat(env)
        .containsEntry("HOST", PodEnvironment.NODE_IP)
        .containsEntry("POD", "10.42.0.17")
        .containsEntry("APP", "ray");
  }
}
