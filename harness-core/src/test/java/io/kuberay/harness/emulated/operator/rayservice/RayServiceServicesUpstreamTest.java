package io.kuberay.harness.emulated.operator.rayservice;

import static io.kuberay.harness.emulated.operator.rayservice.ServeServicesUpstreamTest.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.operator.OperatorFlavor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * KubeRay's rayservice_controller_unit_test.go {@code TestReconcileServices_UpdateService} (v1.1.0
 * to v1.7.0) against the emulated API server, with the RayService's head service of {@code
 * BuildHeadServiceForRayService} and what a changed {@code serveService} does.
 */
class RayServiceServicesUpstreamTest {

  private EmulatedApiServer api;
  private KubernetesClient client;

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  private RayServiceServices start(String version) {
    api = new EmulatedApiServer().start("http://127.0.0.1:1");
    api.create(RayServiceControllerStatusTest.openCrd("RayService"));
    client = api.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("ray").endMetadata().build())
        .create();
    return new RayServiceServices(
        client,
        new OperatorFlavor(KubeRayVersion.of(version)),
        new EventRecorder(api, "rayservice-controller"));
  }

  /** Stores RayService {@code ray/test-service} (the owner must exist for the collector). */
  private RayServiceView rayService(String spec) {
    GenericKubernetesResource created =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
            .inNamespace("ray")
            .resource(
                Serialization.unmarshal(
                    "apiVersion: ray.io/v1\nkind: RayService\nmetadata:\n  name: test-service\n"
                        + "  namespace: ray\nspec:\n"
                        + spec,
                    GenericKubernetesResource.class))
            .create();
    return new RayServiceView(created);
  }

  private static GenericKubernetesResource inRay(GenericKubernetesResource c) {
    c.getMetadata().setNamespace("ray");
    return c;
  }

  private Service get(String name) {
    return client.services().inNamespace("ray").withName(name).get();
  }

  private List<String> reasons() {
    return client.v1().events().inNamespace("ray").list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void updatesAServiceOnlyWhenTheClusterSwitches(String v) {
    RayServiceServices services = start(v);
    RayServiceView rs = rayService("  rayClusterConfig: {}\n");

    // A head container without ports: the default ports, serve 8000 among them.
    assertThat(services.reconcile(rs, inRay(cluster("test-cluster")))).isEmpty();
    Service head = get("test-service-head-svc");
    Service serve = get("test-service-serve-svc");
    assertThat(head.getSpec().getSelector()).containsEntry("ray.io/cluster", "test-cluster");
    assertThat(serve.getSpec().getSelector()).containsEntry("ray.io/cluster", "test-cluster");
    for (Service s : List.of(head, serve)) {
      OwnerReference owner = s.getMetadata().getOwnerReferences().get(0);
      assertThat(s.getMetadata().getOwnerReferences()).hasSize(1);
      assertThat(owner.getKind()).isEqualTo("RayService");
      assertThat(owner.getName()).isEqualTo("test-service");
      assertThat(owner.getUid()).isEqualTo(rs.resource().getMetadata().getUid());
      assertThat(owner.getController()).isTrue();
      assertThat(owner.getBlockOwnerDeletion()).isTrue();
    }

    // Same cluster, other ports: nothing is updated (and the serve port is gone: the error).
    assertThat(services.reconcile(rs, inRay(cluster("test-cluster", "test-port:9999"))))
        .contains(ServeServices.missingPortMessage(new OperatorFlavor(KubeRayVersion.of(v))));
    assertThat(get("test-service-head-svc")).isEqualTo(head);

    // Another cluster: the spec is replaced, the cluster IP kept.
    services.reconcile(rs, inRay(cluster("new-cluster", "test-port:9999", "serve:8000")));
    Service switched = get("test-service-head-svc");
    assertThat(switched).isNotEqualTo(head);
    assertThat(switched.getSpec().getSelector()).containsEntry("ray.io/cluster", "new-cluster");
    assertThat(switched.getSpec().getClusterIP()).isEqualTo(head.getSpec().getClusterIP());
    assertThat(switched.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(tuple("metrics", 8080), tuple("serve", 8000), tuple("test-port", 9999));
    assertThat(get("test-service-serve-svc").getSpec().getSelector())
        .containsEntry("ray.io/cluster", "new-cluster");
    assertThat(get("test-service-serve-svc").getSpec().getClusterIP())
        .isEqualTo(serve.getSpec().getClusterIP());

    if (v.equals("v1.1.0")) {
      assertThat(reasons()).doesNotContain("CreatedService", "UpdatedService");
    } else {
      assertThat(reasons()).contains("CreatedService", "UpdatedService");
    }
  }

  /**
   * BuildHeadServiceForRayService: BuildServiceForHeadPod without labels or annotations (the
   * cluster's {@code headServiceAnnotations} are not on it), renamed and relabelled.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void theHeadServiceIsTheClustersRenamedWithoutItsAnnotations(String v) {
    RayServiceServices services = start(v);
    RayServiceView rs = rayService("  rayClusterConfig: {}\n");
    GenericKubernetesResource c = inRay(cluster("test-cluster", "serve:8000"));
    c.getAdditionalProperties()
        .put(
            "spec",
            Map.of(
                "headServiceAnnotations",
                Map.of("a", "b"),
                "headGroupSpec",
                ((Map<?, ?>) c.getAdditionalProperties().get("spec")).get("headGroupSpec")));

    services.reconcile(rs, c);

    Service head = get("test-service-head-svc");
    assertThat(head.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(head.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "ray.io/originated-from-cr-name", "test-service",
                "ray.io/originated-from-crd", "RayService",
                "ray.io/node-type", "head",
                "ray.io/identifier", "test-service-head"));
    assertThat(head.getSpec().getSelector())
        .containsEntry("ray.io/cluster", "test-cluster")
        .containsEntry("app.kubernetes.io/name", "kuberay")
        .hasSize(5);
    // Headless from v1.2.0, as the cluster's own head service.
    if (v.equals("v1.1.0")) {
      assertThat(head.getSpec().getClusterIP()).isNotEqualTo("None");
    } else {
      assertThat(head.getSpec().getClusterIP()).isEqualTo("None");
    }
  }

  /**
   * A changed {@code serveService} is not applied while the service selects the same cluster; at
   * the next switch its spec is (the type here), its labels are not.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void aChangedServeServiceWaitsForTheNextClusterAndOnlyItsSpecIsTaken(String v) {
    RayServiceServices services = start(v);
    RayServiceView before =
        rayService(
            "  serveService:\n    metadata:\n      labels: {team: a}\n"
                + "      annotations: {note: first}\n    spec:\n      type: NodePort\n"
                + "  rayClusterConfig: {}\n");
    services.reconcile(before, inRay(cluster("cluster-a", "serve:8000")));
    Service created = get("test-service-serve-svc");
    assertThat(created.getSpec().getType()).isEqualTo("NodePort");
    assertThat(created.getMetadata().getLabels()).containsEntry("team", "a");
    assertThat(created.getMetadata().getAnnotations()).containsEntry("note", "first");

    RayServiceView after =
        new RayServiceView(
            Serialization.unmarshal(
                Serialization.asYaml(before.resource())
                    .replace("team: \"a\"", "team: \"b\"")
                    .replace("team: a", "team: b")
                    .replace("NodePort", "LoadBalancer"),
                GenericKubernetesResource.class));
    assertThat(after.serveServiceTemplate().orElseThrow().getSpec().getType())
        .isEqualTo("LoadBalancer");
    assertThat(after.serveServiceTemplate().orElseThrow().getMetadata().getLabels())
        .containsEntry("team", "b");
    services.reconcile(after, inRay(cluster("cluster-a", "serve:8000")));
    assertThat(get("test-service-serve-svc")).isEqualTo(created);

    services.reconcile(after, inRay(cluster("cluster-b", "serve:8000")));
    Service switched = get("test-service-serve-svc");
    assertThat(switched.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(switched.getSpec().getSelector()).containsEntry("ray.io/cluster", "cluster-b");
    assertThat(switched.getMetadata().getLabels()).containsEntry("team", "a");
    // The PUT names no node port: kube-apiserver keeps the one it gave the port of that name.
    assertThat(switched.getSpec().getPorts().get(0).getNodePort())
        .isEqualTo(created.getSpec().getPorts().get(0).getNodePort());
  }

  /**
   * A {@code serveService} that names a cluster IP after the service was made: v1.1.0 sends it on
   * the update, which the API server refuses (cluster IPs may not change once set); from v1.3.0 the
   * stored one is sent.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void aUsersNewClusterIpIsSentOnTheUpdateUpToV12(String v) {
    RayServiceServices services = start(v);
    RayServiceView plain = rayService("  serveService:\n    spec: {}\n  rayClusterConfig: {}\n");
    services.reconcile(plain, inRay(cluster("cluster-a", "serve:8000")));
    String allocated = get("test-service-serve-svc").getSpec().getClusterIP();
    RayServiceView own =
        new RayServiceView(
            Serialization.unmarshal(
                Serialization.asYaml(plain.resource())
                    .replace("spec: {}", "spec:\n      clusterIP: 10.43.200.7"),
                GenericKubernetesResource.class));
    assertThat(own.serveServiceTemplate().orElseThrow().getSpec().getClusterIP())
        .isEqualTo("10.43.200.7");

    if (v.equals("v1.1.0")) {
      assertThatThrownBy(() -> services.reconcile(own, inRay(cluster("cluster-b", "serve:8000"))))
          .hasMessageContaining(
              "spec.clusterIPs[0]: Invalid value: []string{\"10.43.200.7\"}: may not change once"
                  + " set");
    } else {
      services.reconcile(own, inRay(cluster("cluster-b", "serve:8000")));
    }

    Service serve = get("test-service-serve-svc");
    assertThat(serve.getSpec().getClusterIP()).isEqualTo(allocated);
    assertThat(serve.getSpec().getSelector())
        .containsEntry("ray.io/cluster", v.equals("v1.1.0") ? "cluster-a" : "cluster-b");
  }
}
