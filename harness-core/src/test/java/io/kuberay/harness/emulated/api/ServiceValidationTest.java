package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Services as kube-apiserver admits them (Kubernetes 1.31's {@code ValidateService}, {@code
 * ValidateServiceUpdate}, the node port allocator and {@code patchAllocatedValues}), through the
 * emulated API server: the messages are kube-apiserver's.
 */
class ServiceValidationTest {

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

  private Service create(String spec) {
    return client.services().inNamespace("ray").resource(service("svc", spec)).create();
  }

  private static Service service(String name, String spec) {
    return Serialization.unmarshal(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\nspec:\n" + spec,
        Service.class);
  }

  private String refusal(String spec) {
    return message(() -> create(spec));
  }

  private static String message(Runnable write) {
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, write::run);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.getCode()).isEqualTo(422);
    return e.getStatus().getMessage();
  }

  @Test
  @DisplayName("spec.ports is required unless the service is headless or ExternalName")
  void portsRequiredUnlessHeadlessOrExternalName() {
    assertThat(refusal("  selector: {app: a}\n"))
        .isEqualTo("Service \"svc\" is invalid: spec.ports: Required value");
    assertThat(refusal("  type: NodePort\n"))
        .isEqualTo("Service \"svc\" is invalid: spec.ports: Required value");

    client
        .services()
        .inNamespace("ray")
        .resource(service("headless", "  clusterIP: None\n  selector: {app: a}\n"))
        .create();
    client
        .services()
        .inNamespace("ray")
        .resource(service("ext", "  type: ExternalName\n  externalName: example.com\n"))
        .create();
    assertThat(client.services().inNamespace("ray").list().getItems()).hasSize(2);
  }

  @Test
  @DisplayName(
      "several ports need names, unique ones; port numbers unique per protocol and in range")
  void portNamesAndNumbers() {
    assertThat(refusal("  ports: [{name: serve, port: 8000}, {port: 8001}]\n"))
        .isEqualTo("Service \"svc\" is invalid: spec.ports[1].name: Required value");
    assertThat(refusal("  ports: [{name: serve, port: 8000}, {name: serve, port: 8001}]\n"))
        .isEqualTo("Service \"svc\" is invalid: spec.ports[1].name: Duplicate value: \"serve\"");
    assertThat(refusal("  ports: [{name: a, port: 8000}, {name: b, port: 8000}]\n"))
        .isEqualTo(
            "Service \"svc\" is invalid: spec.ports[1]: Duplicate value:"
                + " core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil),"
                + " Port:8000, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"},"
                + " NodePort:0}");
    assertThat(refusal("  ports: [{name: Serve, port: 0}]\n"))
        .isEqualTo(
            "Service \"svc\" is invalid: [spec.ports[0].name: Invalid value: \"Serve\": a lowercase"
                + " RFC 1123 label must consist of lower case alphanumeric characters or '-', and"
                + " must start and end with an alphanumeric character (e.g. 'my-name',  or"
                + " '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'),"
                + " spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive,"
                // the defaulted targetPort is the port, 0 too
                + " spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535,"
                + " inclusive]");
    assertThat(refusal("  ports: [{port: 8000, targetPort: serve_http}]\n"))
        .isEqualTo(
            "Service \"svc\" is invalid: spec.ports[0].targetPort: Invalid value: \"serve_http\":"
                + " must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    assertThat(refusal("  ports: [{port: 8000, protocol: HTTP}]\n"))
        .isEqualTo(
            "Service \"svc\" is invalid: spec.ports[0].protocol: Unsupported value: \"HTTP\":"
                + " supported values: \"SCTP\", \"TCP\", \"UDP\"");
    // The same number over two protocols is no duplicate.
    assertThat(
            create("  ports: [{name: a, port: 53}, {name: b, port: 53, protocol: UDP}]\n")
                .getSpec()
                .getPorts())
        .hasSize(2);
  }

  @Test
  @DisplayName(
      "a node port is in 30000-32767 and held by one service; a ClusterIP service may not name"
          + " one")
  void nodePorts() {
    assertThat(refusal("  type: NodePort\n  ports: [{port: 8265, nodePort: 8265}]\n"))
        .isEqualTo(
            "Service \"svc\" is invalid: spec.ports[0].nodePort: Invalid value: 8265: provided"
                + " port is not in the valid range. The range of valid ports is 30000-32767");
    assertThat(refusal("  ports: [{port: 8265, nodePort: 30080}]\n"))
        .isEqualTo(
            "Service \"svc\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when"
                + " `type` is 'ClusterIP'");
    client
        .services()
        .inNamespace("ray")
        .resource(service("first", "  type: NodePort\n  ports: [{port: 8265, nodePort: 30080}]\n"))
        .create();
    assertThat(refusal("  type: NodePort\n  ports: [{port: 8265, nodePort: 30080}]\n"))
        .isEqualTo(
            "Service \"svc\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided"
                + " port is already allocated");
    // Allocated ones avoid held ones.
    Service second = create("  type: NodePort\n  ports: [{port: 8265}]\n");
    assertThat(second.getSpec().getPorts().get(0).getNodePort())
        .isBetween(30000, 32767)
        .isNotEqualTo(30080);
  }

  @Test
  @DisplayName(
      "an update without node ports or cluster IP keeps the allocated ones (by port name); a"
          + " changed cluster IP is refused")
  void updateKeepsAllocatedValues() {
    Service created =
        create(
            "  type: NodePort\n  ports: [{name: dashboard, port: 8265}, {name: client, port:"
                + " 10001}]\n");
    Service replacement =
        service(
            "svc",
            "  type: NodePort\n  ports: [{name: client, port: 10001}, {name: serve, port: 8000}]\n");
    replacement.getMetadata().setResourceVersion(created.getMetadata().getResourceVersion());

    Service updated = client.services().inNamespace("ray").resource(replacement).update();

    assertThat(updated.getSpec().getClusterIP()).isEqualTo(created.getSpec().getClusterIP());
    assertThat(updated.getSpec().getClusterIPs()).isEqualTo(created.getSpec().getClusterIPs());
    assertThat(updated.getSpec().getPorts().get(0).getNodePort())
        .isEqualTo(created.getSpec().getPorts().get(1).getNodePort());
    assertThat(updated.getSpec().getPorts().get(1).getNodePort())
        .isBetween(30000, 32767)
        .isNotIn(created.getSpec().getPorts().stream().map(ServicePort::getNodePort).toList());

    Service moved = service("svc", "  clusterIP: 10.43.99.99\n  ports: [{port: 80}]\n");
    moved.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
    assertThat(message(() -> client.services().inNamespace("ray").resource(moved).update()))
        .isEqualTo(
            "Service \"svc\" is invalid: spec.clusterIPs[0]: Invalid value:"
                + " []string{\"10.43.99.99\"}: may not change once set");
  }

  @Test
  @DisplayName("a patch is validated as an update: removing every port is refused")
  void patchValidated() {
    create("  ports: [{port: 80}]\n");

    assertThat(
            message(
                () ->
                    client
                        .services()
                        .inNamespace("ray")
                        .withName("svc")
                        .patch(
                            PatchContext.of(PatchType.JSON),
                            "[{\"op\": \"remove\", \"path\": \"/spec/ports\"}]")))
        .isEqualTo("Service \"svc\" is invalid: spec.ports: Required value");
  }
}
