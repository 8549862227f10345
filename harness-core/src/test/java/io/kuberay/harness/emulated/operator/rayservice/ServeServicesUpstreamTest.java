package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.operator.OperatorFlavor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cases of KubeRay's {@code common/service_test.go} for the RayService's serve service, per
 * release: {@code TestBuildServeServiceForRayService}, {@code …_WithoutServePort}, {@code
 * TestUserSpecifiedServeService}, and v1.6.0's {@code
 * TestBuildServeServiceForRayServiceWithGrpcPort}, {@code
 * TestUserSpecifiedServeServiceWithGrpcPort}, {@code …AppProtocolPreserved}, {@code
 * …FallbackPreservesAppProtocol}, {@code TestIsServingPort}, each also run against the releases
 * before it.
 */
class ServeServicesUpstreamTest {

  private static OperatorFlavor flavor(String version) {
    return new OperatorFlavor(KubeRayVersion.of(version));
  }

  /**
   * RayService {@code default/rayservice-sample} whose cluster config says {@code serviceType:
   * ClusterIP}; {@code serveService} is YAML at indent 2 (or empty).
   */
  private static RayServiceView service(String name, String serveService) {
    return new RayServiceView(
        Serialization.unmarshal(
            "apiVersion: ray.io/v1\nkind: RayService\nmetadata:\n  name: "
                + name
                + "\n  namespace: default\nspec:\n"
                + serveService
                + "  rayClusterConfig:\n    headGroupSpec:\n      serviceType: ClusterIP\n",
            GenericKubernetesResource.class));
  }

  private static RayServiceView service(String serveService) {
    return service("rayservice-sample", serveService);
  }

  /** A RayCluster whose Ray head container has the given ports, each {@code name:number}. */
  static GenericKubernetesResource cluster(String name, String... ports) {
    StringBuilder yaml =
        new StringBuilder(
            "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: "
                + name
                + "\n  namespace: default\nspec:\n  headGroupSpec:\n    template:\n      spec:\n"
                + "        containers:\n        - name: ray-head\n          image: i\n"
                + "          ports:"
                + (ports.length == 0 ? " []" : "")
                + "\n");
    for (String p : ports) {
      String[] parts = p.split(":");
      yaml.append("          - {name: ")
          .append(parts[0])
          .append(", containerPort: ")
          .append(parts[1])
          .append("}\n");
    }
    return Serialization.unmarshal(yaml.toString(), GenericKubernetesResource.class);
  }

  /** instanceWithWrongSvc's head: GCS, dashboard and serve ports. */
  private static final GenericKubernetesResource SAMPLE =
      cluster("raycluster-sample", "gcs-server:6379", "dashboard:8265", "serve:8000");

  private static Service build(
      String version, RayServiceView service, GenericKubernetesResource c) {
    return ServeServices.build(flavor(version), service, c).orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void selectsTheClustersServingPodsOnItsServePortOnly(String v) {
    Service svc = build(v, service(""), SAMPLE);

    assertThat(svc.getMetadata().getName()).isEqualTo("rayservice-sample-serve-svc");
    assertThat(svc.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(svc.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "ray.io/originated-from-cr-name", "rayservice-sample",
                "ray.io/originated-from-crd", "RayService",
                "ray.io/serve", "rayservice-sample-serve"));
    assertThat(svc.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(svc.getSpec().getSelector())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("ray.io/cluster", "raycluster-sample", "ray.io/serve", "true"));
    assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
    // {Name, Port} only: no appProtocol (the head service's ports have "tcp"); the API server
    // adds protocol and targetPort.
    assertThat(svc.getSpec().getPorts())
        .extracting(
            ServicePort::getName,
            ServicePort::getPort,
            ServicePort::getAppProtocol,
            ServicePort::getProtocol)
        .containsExactly(tuple("serve", 8000, null, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void aHeadWithoutServePortAndNoServeServiceGetsNone(String v) {
    Optional<Service> svc =
        ServeServices.build(
            flavor(v), service(""), cluster("raycluster-sample", "gcs-server:6379"));

    assertThat(svc).isEmpty();
    assertThat(ServeServices.missingPortMessage(flavor(v)))
        .startsWith(
            v.equals("v1.7.0")
                ? "Please specify a port named 'serve' (or with the prefix 'serve-', e.g. 'serve-grpc')"
                : "Please specify the port named 'serve' in the Ray head container;")
        .endsWith("otherwise, the Kubernetes service for Ray Serve will not be created.");
  }

  /** getServicePorts' defaults include serve 8000 when the head container declares no port. */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void aHeadWithoutAnyPortServesOnTheDefault8000(String v) {
    Service svc = build(v, service(""), cluster("raycluster-sample"));

    assertThat(svc.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(tuple("serve", 8000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void userSpecifiedServeService(String v) {
    RayServiceView rs =
        service(
            "  serveService:\n    metadata:\n      name: user-custom-name\n"
                + "      namespace: user-custom-namespace\n"
                + "      labels: {userLabelKey: userLabelValue, ray.io/cluster: userClusterName}\n"
                + "      annotations: {userAnnotationKey: userAnnotationValue, userAnnotationKey2: userAnnotationValue2}\n"
                + "    spec:\n      type: LoadBalancer\n"
                + "      selector: {userSelectorKey: userSelectorValue, ray.io/cluster: userSelectorClusterName}\n"
                + "      ports:\n      - {name: serve, port: 12345}\n      - {name: client, port: 98765}\n");

    Service svc = build(v, rs, SAMPLE);

    assertThat(svc.getMetadata().getName()).isEqualTo("user-custom-name");
    assertThat(svc.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(svc.getMetadata().getAnnotations())
        .containsOnlyKeys("userAnnotationKey", "userAnnotationKey2");
    assertThat(svc.getMetadata().getLabels())
        .containsEntry("userLabelKey", "userLabelValue")
        .containsEntry("ray.io/cluster", "userClusterName")
        .containsEntry("ray.io/serve", "rayservice-sample-serve")
        .containsEntry("ray.io/originated-from-crd", "RayService");
    assertThat(svc.getSpec().getSelector())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("ray.io/cluster", "raycluster-sample", "ray.io/serve", "true"));
    assertThat(svc.getSpec().getType()).isEqualTo("LoadBalancer");
    // Up to v1.5 the detected serve port wins; from v1.6.0 the user's port of that name.
    assertThat(svc.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(tuple("serve", v.equals("v1.7.0") ? 12345 : 8000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void everyServePrefixedPortFromV160(String v) {
    GenericKubernetesResource grpc =
        cluster(
            "raycluster-grpc",
            "gcs-server:6379",
            "serve:8000",
            "serve-grpc:9000",
            "server:7000",
            "serve-http:8001");

    Service svc = build(v, service(""), grpc);

    assertThat(svc.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactlyElementsOf(
            v.equals("v1.7.0")
                ? List.of(
                    tuple("serve", 8000), tuple("serve-grpc", 9000), tuple("serve-http", 8001))
                : List.of(tuple("serve", 8000)));
  }

  /** The user's serve-grpc is dropped when the head declares only serve (all releases). */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void userPortsNotDetectedOnTheHeadAreDropped(String v) {
    RayServiceView rs =
        service(
            "  serveService:\n    metadata:\n      name: custom-serve-svc\n"
                + "    spec:\n      type: LoadBalancer\n"
                + "      ports:\n      - {name: serve, port: 8000}\n      - {name: serve-grpc, port: 9000}\n");

    Service svc = build(v, rs, SAMPLE);

    assertThat(svc.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(tuple("serve", 8000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void userPortOfADetectedNameKeepsItsAppProtocolFromV160(String v) {
    RayServiceView rs =
        service(
            "  serveService:\n    metadata:\n      name: custom-serve-svc\n    spec:\n      ports:\n"
                + "      - {name: serve, port: 8000}\n"
                + "      - {name: serve-grpc, port: 9000, appProtocol: kubernetes.io/h2c}\n");

    Service svc = build(v, rs, cluster("raycluster-grpc", "serve:8000", "serve-grpc:9000"));

    assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
    if (v.equals("v1.7.0")) {
      assertThat(svc.getSpec().getPorts())
          .extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getAppProtocol)
          .containsExactly(
              tuple("serve", 8000, null), tuple("serve-grpc", 9000, "kubernetes.io/h2c"));
    } else {
      assertThat(svc.getSpec().getPorts())
          .extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getAppProtocol)
          .containsExactly(tuple("serve", 8000, null));
    }
  }

  /**
   * No serve port on the head: v1.6.0+ keeps the user's ports as they are; before, only the user's
   * first {@code serve} port, cut to name and number (none here).
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void withoutDetectedPortsTheUsersPortsAreTheFallback(String v) {
    RayServiceView rs =
        service(
            "  serveService:\n    metadata:\n      name: custom-serve-svc\n    spec:\n      ports:\n"
                + "      - {name: serve-grpc, port: 9000, appProtocol: kubernetes.io/h2c}\n"
                + "      - {name: not-a-serve-port, port: 1234}\n");
    GenericKubernetesResource noServe = cluster("raycluster-no-serve", "gcs-server:6379");

    Service svc = build(v, rs, noServe);

    if (v.equals("v1.7.0")) {
      assertThat(svc.getSpec().getPorts())
          .extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getAppProtocol)
          .containsExactly(
              tuple("serve-grpc", 9000, "kubernetes.io/h2c"),
              tuple("not-a-serve-port", 1234, null));
    } else {
      assertThat(svc.getSpec().getPorts()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0"})
  void beforeV160TheUsersServePortIsCutToNameAndNumber(String v) {
    RayServiceView rs =
        service(
            "  serveService:\n    spec:\n      ports:\n      - {name: other, port: 1}\n"
                + "      - {name: serve, port: 9000, targetPort: 8000, appProtocol: http}\n"
                + "      - {name: serve, port: 9001}\n");

    Service svc = build(v, rs, cluster("raycluster-no-serve", "gcs-server:6379"));

    assertThat(svc.getMetadata().getName()).isEqualTo("rayservice-sample-serve-svc");
    assertThat(svc.getSpec().getPorts())
        .extracting(
            ServicePort::getName,
            ServicePort::getPort,
            ServicePort::getTargetPort,
            ServicePort::getAppProtocol)
        .containsExactly(tuple("serve", 9000, null, null));
  }

  /** utils.CheckName shortened generated names to 50 characters up to v1.3. */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0"})
  void longNamesAreShortenedOnlyByOldReleases(String v) {
    String name = "a-rayservice-with-a-name-long-enough-to-cut";
    Service svc = build(v, service(name, ""), SAMPLE);

    assertThat(svc.getMetadata().getName())
        .isEqualTo(
            v.equals("v1.1.0")
                ? "ayservice-with-a-name-long-enough-to-cut-serve-svc"
                : name + "-serve-svc");
    assertThat(ServeServices.name(flavor(v), service(name, "")))
        .isEqualTo(svc.getMetadata().getName());
  }

  /** RayServiceServeServiceNamespacedName: the user's name is where the status counts endpoints. */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.7.0"})
  void theServeServiceIsLookedUpUnderTheUsersName(String v) {
    assertThat(
            ServeServices.name(
                flavor(v), service("  serveService:\n    metadata:\n      name: mine\n")))
        .isEqualTo("mine");
    assertThat(ServeServices.name(flavor(v), service("  serveService:\n    spec: {}\n")))
        .isEqualTo("rayservice-sample-serve-svc");
  }
}
