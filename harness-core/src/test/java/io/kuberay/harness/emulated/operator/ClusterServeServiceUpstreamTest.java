package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.operator.serve.ServeServiceParts;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A RayCluster's own serve service, per release: common/service_test.go's {@code
 * TestBuildServeServiceForRayCluster} and v1.6.0's {@code TestBuildServeServiceWithGrpcPort} (also
 * run against v1.1.0's and v1.5.0's rules), and raycluster_controller.go's {@code
 * reconcileServeService} against the emulated API server (its envtest "RayCluster with a maximum
 * name" checks the {@code -serve-svc} name).
 */
class ClusterServeServiceUpstreamTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private RayClusterControllerFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static Optional<Service> build(String version, RayClusterView cluster) {
    OperatorFlavor flavor = UpstreamSpecs.flavor(version);
    return ServeServiceParts.forRayCluster(
        cluster.name(),
        cluster.namespace(),
        flavor.generatedServiceName(cluster.name() + "-serve-svc"),
        cluster.serviceType(),
        HeadServiceFactory.servicePorts(cluster, flavor),
        flavor.servesEveryServePort());
  }

  /** A head of {@code serviceType: ClusterIP} whose Ray container has the given ports. */
  private static RayClusterView cluster(String name, String ports) {
    return new RayClusterView(
        Serialization.unmarshal(
            "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: "
                + name
                + "\n  namespace: default\nspec:\n  headGroupSpec:\n    serviceType: ClusterIP\n"
                + "    template:\n      spec:\n        containers:\n        - name: ray-head\n"
                + "          ports: "
                + ports
                + "\n",
            GenericKubernetesResource.class));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  @DisplayName("TestBuildServeServiceForRayCluster: the cluster's pods, its labels and type")
  void buildServeServiceForRayCluster(String v) {
    Service svc =
        build(v, cluster("raycluster-sample-svc", "[{containerPort: 8000, name: serve}]"))
            .orElseThrow();

    assertThat(svc.getSpec().getSelector())
        .containsExactlyEntriesOf(Map.of("ray.io/cluster", "raycluster-sample-svc"));
    assertThat(svc.getMetadata().getLabels())
        .containsEntry("ray.io/originated-from-cr-name", "raycluster-sample-svc")
        .containsEntry("ray.io/originated-from-crd", "RayCluster")
        .containsEntry("ray.io/serve", "raycluster-sample-svc-serve");
    assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(svc.getMetadata().getName()).isEqualTo("raycluster-sample-svc-serve-svc");
    assertThat(svc.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(svc.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getAppProtocol)
        .containsExactly(tuple("serve", 8000, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  @DisplayName(
      "TestBuildServeServiceWithGrpcPort: serve and serve-grpc from v1.6.0, serve alone before;"
          + " the other head ports never")
  void buildServeServiceWithGrpcPort(String v) {
    Service svc =
        build(
                v,
                cluster(
                    "raycluster-grpc",
                    "[{containerPort: 6379, name: gcs-server}, {containerPort: 8265, name:"
                        + " dashboard}, {containerPort: 8000, name: serve}, {containerPort: 9000,"
                        + " name: serve-grpc}]"))
            .orElseThrow();

    if (v.equals("v1.7.0")) {
      assertThat(svc.getSpec().getPorts())
          .extracting(ServicePort::getName, ServicePort::getPort)
          .containsExactlyInAnyOrder(tuple("serve", 8000), tuple("serve-grpc", 9000));
    } else {
      assertThat(svc.getSpec().getPorts())
          .extracting(ServicePort::getName, ServicePort::getPort)
          .containsExactly(tuple("serve", 8000));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  @DisplayName("a head without a port that serves builds no service (BuildServeService's error)")
  void noServePortNoService(String v) {
    assertThat(build(v, cluster("raycluster-sample", "[{containerPort: 6379, name: gcs}]")))
        .isEmpty();
    // A head container without ports gets the default ports, serve 8000 among them.
    assertThat(build(v, cluster("raycluster-sample", "[]")).orElseThrow().getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(tuple("serve", 8000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  @DisplayName(
      "reconcileServeService: the annotated cluster gets <cluster>-serve-svc, owned by it, once;"
          + " without the annotation none")
  void controllerCreatesTheServeServiceOfAnAnnotatedCluster(String v) {
    KubernetesClient client = start(v);
    String longName = "r".repeat(48);
    GenericKubernetesResource annotated = create(client, longName, "true", "");
    create(client, "plain", null, "");
    create(client, "not-true", "True", "");

    String expected =
        v.equals("v1.1.0")
            ? HeadServiceFactory.checkName(longName + "-serve-svc")
            : longName + "-serve-svc";
    Service serve =
        Awaitility.await("serve service of the annotated cluster")
            .atMost(WAIT)
            .until(() -> service(client, expected), s -> s != null);
    assertThat(serve.getSpec().getSelector())
        .containsExactlyEntriesOf(Map.of("ray.io/cluster", longName));
    assertThat(serve.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(serve.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getProtocol)
        .containsExactly(tuple("serve", 8000, "TCP"));
    OwnerReference owner = serve.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getKind()).isEqualTo("RayCluster");
    assertThat(owner.getUid()).isEqualTo(annotated.getMetadata().getUid());
    assertThat(owner.getController()).isTrue();

    Awaitility.await("head pods of the three clusters")
        .atMost(WAIT)
        .until(() -> client.pods().inNamespace("default").list().getItems().size() >= 3);
    assertThat(service(client, "plain-serve-svc")).isNull();
    assertThat(service(client, "not-true-serve-svc")).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  @DisplayName(
      "an annotated cluster whose head has no serve port gets no pods: v1.1.0 marks it failed,"
          + " v1.5.0+ calculate its status, never ready")
  void missingServePortStopsBeforeThePods(String v) {
    KubernetesClient client = start(v);
    create(client, "no-serve", "true", "          ports: [{containerPort: 6379, name: gcs}]\n");

    Awaitility.await("the cluster's status after the failed reconcile")
        .atMost(WAIT)
        .until(() -> status(client, "no-serve"), s -> !s.isEmpty());
    Map<String, Object> status = status(client, "no-serve");
    if (v.equals("v1.1.0")) {
      assertThat(status).containsEntry("state", "failed");
    } else {
      assertThat(status).containsEntry("desiredWorkerReplicas", 1).doesNotContainKey("state");
    }
    assertThat(client.pods().inNamespace("default").list().getItems()).isEmpty();
    assertThat(client.services().inNamespace("default").withName("no-serve-serve-svc").get())
        .isNull();
  }

  private KubernetesClient start(String version) {
    fixture = RayClusterControllerFixture.start(UpstreamSpecs.flavor(version));
    return fixture.client();
  }

  private static Service service(KubernetesClient client, String name) {
    return client.services().inNamespace("default").withName(name).get();
  }

  private static Map<String, Object> status(KubernetesClient client, String name) {
    return Maps.map(
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace("default")
            .withName(name)
            .get()
            .getAdditionalProperties()
            .get("status"));
  }

  /**
   * RayCluster {@code name} with the annotation set to {@code enable} (none when null) and {@code
   * headContainerExtra} lines on the head's Ray container (indent 10).
   */
  private static GenericKubernetesResource create(
      KubernetesClient client, String name, String enable, String headContainerExtra) {
    String yaml =
        "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: "
            + name
            + "\n  namespace: default\n"
            + (enable == null
                ? ""
                : "  annotations:\n    ray.io/enable-serve-service: '" + enable + "'\n")
            + "spec:\n"
            + UpstreamSpecs.head("")
            + headContainerExtra
            + UpstreamSpecs.worker("");
    return client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .create();
  }
}
