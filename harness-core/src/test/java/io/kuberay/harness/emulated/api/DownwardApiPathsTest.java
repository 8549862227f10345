package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A pod's downward API references as kube-apiserver checks them at its creation, through the
 * emulated API server: env and volumes each take their own fields, in Kubernetes' words.
 */
class DownwardApiPathsTest {

  private static final String ENV_LIST =
      "supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\","
          + " \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\","
          + " \"status.hostIPs\", \"status.podIP\", \"status.podIPs\"";

  private EmulatedApiServer api;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    api = ApiServers.withNamespace("ray");
    client = api.client();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  /** A pod whose one container has {@code env} (YAML flow list) and {@code volumes}. */
  private Pod create(String env, String volumes) {
    return client
        .pods()
        .inNamespace("ray")
        .resource(
            Serialization.unmarshal(
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                    + "  - name: c\n    image: busybox:1\n    env: "
                    + env
                    + "\n  volumes: "
                    + volumes
                    + "\n",
                Pod.class))
        .create();
  }

  private String refusal(String env, String volumes) {
    KubernetesClientException e =
        catchThrowableOfType(KubernetesClientException.class, () -> create(env, volumes));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.getCode()).isEqualTo(422);
    return e.getStatus().getMessage();
  }

  private static String envField(String path) {
    return "[{name: X, valueFrom: {fieldRef: {fieldPath: \"" + path + "\"}}}]";
  }

  @Test
  @DisplayName("env takes the pod's names, IPs and single labels; other fields are refused")
  void envFieldPaths() {
    assertThat(refusal(envField("status.phase"), "[]"))
        .isEqualTo(
            "Pod \"p\" is invalid: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath:"
                + " Unsupported value: \"status.phase\": "
                + ENV_LIST);
    assertThat(refusal(envField("metadata.labels"), "[]"))
        .isEqualTo(
            "Pod \"p\" is invalid: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath:"
                + " Unsupported value: \"metadata.labels\": "
                + ENV_LIST);
    assertThat(refusal(envField("status.nodeIP"), "[]"))
        .isEqualTo(
            "Pod \"p\" is invalid: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath:"
                + " Invalid value: \"status.nodeIP\": error converting fieldPath: field label not"
                + " supported: status.nodeIP");
    assertThat(refusal(envField("spec.nodeName['x']"), "[]"))
        .isEqualTo(
            "Pod \"p\" is invalid: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath:"
                + " Invalid value: \"spec.nodeName['x']\": error converting fieldPath: field label"
                + " does not support subscript: spec.nodeName['x']");
    assertThat(refusal(envField("metadata.labels['a b']"), "[]"))
        .startsWith(
            "Pod \"p\" is invalid: spec.containers[0].env[0].valueFrom.fieldRef: Invalid value:"
                + " \"a b\": name part must consist of alphanumeric characters");

    Pod ok =
        create(
            "[{name: A, valueFrom: {fieldRef: {fieldPath: status.hostIP}}},"
                + " {name: B, valueFrom: {fieldRef: {fieldPath: \"metadata.labels['app']\"}}},"
                + " {name: C, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}]",
            "[]");
    assertThat(ok.getSpec().getContainers().get(0).getEnv()).hasSize(3);
  }

  @Test
  @DisplayName(
      "volumes take metadata only, labels and annotations whole too; a resource names its"
          + " container")
  void volumeFieldPaths() {
    assertThat(
            refusal(
                "[]",
                "[{name: d, downwardAPI: {items: [{path: ip, fieldRef: {fieldPath:"
                    + " status.podIP}}]}}]"))
        .isEqualTo(
            "Pod \"p\" is invalid: spec.volumes[0].downwardAPI.items[0].fieldRef.fieldPath:"
                + " Unsupported value: \"status.podIP\": supported values:"
                + " \"metadata.annotations\", \"metadata.labels\", \"metadata.name\","
                + " \"metadata.namespace\", \"metadata.uid\"");
    assertThat(
            refusal(
                "[]",
                "[{name: d, projected: {sources: [{downwardAPI: {items: [{path: cpu,"
                    + " resourceFieldRef: {resource: limits.cpu}}]}}]}}]"))
        .isEqualTo(
            "Pod \"p\" is invalid:"
                + " spec.volumes[0].projected.sources[0].downwardAPI.items[0].resourceFieldRef.containerName:"
                + " Required value");
    assertThat(refusal("[{name: X, valueFrom: {resourceFieldRef: {resource: limits.gpu}}}]", "[]"))
        .isEqualTo(
            "Pod \"p\" is invalid: spec.containers[0].env[0].valueFrom.resourceFieldRef.resource:"
                + " Unsupported value: \"limits.gpu\": supported values: \"limits.cpu\","
                + " \"limits.ephemeral-storage\", \"limits.memory\", \"requests.cpu\","
                + " \"requests.ephemeral-storage\", \"requests.memory\"");

    Pod ok =
        create(
            "[]",
            "[{name: d, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath:"
                + " metadata.labels}}, {path: cpu, resourceFieldRef: {containerName: c, resource:"
                + " requests.cpu}}]}}]");
    assertThat(ok.getSpec().getVolumes()).anyMatch(v -> "d".equals(v.getName()));
  }
}
