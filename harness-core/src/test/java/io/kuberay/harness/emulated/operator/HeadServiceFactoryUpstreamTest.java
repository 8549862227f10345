package io.kuberay.harness.emulated.operator;

import static io.kuberay.harness.emulated.operator.UpstreamSpecs.cluster;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.flavor;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.head;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.kuberay.harness.emulated.support.Labels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cases of KubeRay's {@code common/service_test.go}: {@code TestUserSpecifiedHeadService}, {@code
 * TestNilMapDoesntErrorInUserSpecifiedHeadService}, {@code TestGetPortsFromCluster}, {@code
 * TestBuildServiceForHeadPodDefaultPorts}, {@code TestBuildServiceForHeadPodPortsOrder}, {@code
 * TestBuildHeadlessServiceForRayCluster}, {@code TestBuildServiceForHeadPodWithAppNameLabel},
 * {@code TestBuildServiceForHeadPodWithAnnotations} (as {@code reconcileHeadService} calls it: the
 * head template's app-name label, {@code headServiceAnnotations}).
 */
class HeadServiceFactoryUpstreamTest {

  private static Service build(String version, RayClusterView c) {
    return new HeadServiceFactory(flavor(version)).build(c);
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void userSpecifiedHeadService(String v) {
    RayClusterView c =
        cluster(
            "  headServiceAnnotations:\n    HeadServiceAnnotationKey1: HeadServiceAnnotationValue1\n    HeadServiceAnnotationKey2: HeadServiceAnnotationValue2\n"
                + head(
                    "    headService:\n      metadata:\n        name: user-custom-name\n        namespace: user-custom-namespace\n"
                        + "        labels:\n          userLabelKey: userLabelValue\n          ray.io/cluster: userClusterName\n"
                        + "        annotations:\n          userAnnotationKey: userAnnotationValue\n          HeadServiceAnnotationKey1: user_override\n"
                        + "      spec:\n        type: LoadBalancer\n        selector:\n          userSelectorKey: userSelectorValue\n"
                        + "        ports:\n        - name: userPort\n          port: 12345\n        - name: client\n          port: 98765\n")
                + worker(""));
    Service s = build(v, c);
    assertThat(s.getMetadata().getName()).isEqualTo("user-custom-name");
    assertThat(s.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(s.getSpec().getType()).isEqualTo("LoadBalancer");
    // The custom branch returns before the headless logic: no clusterIP None.
    assertThat(s.getSpec().getClusterIP()).isNull();
    assertThat(s.getSpec().getPublishNotReadyAddresses()).isNull();
    assertThat(s.getSpec().getSelector()).isEqualTo(Labels.headService("raycluster-sample"));
    assertThat(s.getMetadata().getLabels())
        .containsEntry("userLabelKey", "userLabelValue")
        .containsAllEntriesOf(Labels.headService("raycluster-sample"));
    assertThat(s.getMetadata().getAnnotations())
        .containsEntry("userAnnotationKey", "userAnnotationValue")
        .containsEntry("HeadServiceAnnotationKey1", "HeadServiceAnnotationValue1")
        .containsEntry("HeadServiceAnnotationKey2", "HeadServiceAnnotationValue2");
    // The user's ports first, then KubeRay's defaults appended (also "client" again).
    assertThat(s.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .startsWith(tuple("userPort", 12345), tuple("client", 98765))
        .contains(
            tuple("client", 10001),
            tuple("dashboard", 8265),
            tuple("metrics", 8080),
            tuple("serve", 8000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void customServiceWithoutTypeTakesTheClustersServiceTypeAndStaysClusterIp(String v) {
    RayClusterView c =
        cluster(
            head(
                    "    serviceType: NodePort\n    headService:\n      metadata:\n        annotations:\n          a: b\n")
                + worker(""));
    Service s = build(v, c);
    assertThat(s.getMetadata().getName()).isEqualTo("raycluster-sample-head-svc");
    assertThat(s.getSpec().getType()).isEqualTo("NodePort");
    RayClusterView plain =
        cluster(
            head("    headService:\n      metadata:\n        annotations:\n          a: b\n")
                + worker(""));
    assertThat(build(v, plain).getSpec().getClusterIP()).isNull();
    assertThat(build(v, plain).getSpec().getPorts())
        .extracting(ServicePort::getName)
        .containsExactly("client", "dashboard", "gcs-server", "metrics", "serve");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void portsFromTheHeadContainerUnnamedOnesNamedByNumber(String v) {
    String spec =
        "  headGroupSpec:\n    template:\n      spec:\n        containers:\n        - name: ray-head\n          image: i\n"
            + "          ports:\n          - containerPort: 6379\n            name: gcs\n          - containerPort: 8265\n          - containerPort: 10001\n            name: client\n";
    Service s = build(v, cluster(spec + worker("")));
    assertThat(s.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(
            tuple("8265-port", 8265),
            tuple("client", 10001),
            tuple("gcs", 6379),
            tuple("metrics", 8080));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void defaultPortsSortedByName(String v) {
    Service s = build(v, cluster(head("") + worker("")));
    assertThat(s.getSpec().getPorts())
        .extracting(ServicePort::getName)
        .containsExactlyElementsOf(
            v.equals("v1.1.0")
                ? List.of("client", "dashboard", "metrics", "redis", "serve")
                : List.of("client", "dashboard", "gcs-server", "metrics", "serve"));
    assertThat(s.getSpec().getPorts())
        .allSatisfy(p -> assertThat(p.getAppProtocol()).isEqualTo("tcp"));
    assertThat(s.getSpec().getClusterIP()).isEqualTo(v.equals("v1.1.0") ? null : "None");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void headlessServiceForMultiHostGroups(String v) {
    RayClusterView single = cluster(head("") + worker(""));
    assertThat(single.multiHost()).isFalse();
    RayClusterView multi = cluster(head("") + worker("    numOfHosts: 4\n"));
    assertThat(multi.multiHost()).isTrue();
    Service s = HeadlessWorkerService.build(flavor(v), multi);
    assertThat(s.getMetadata().getName()).isEqualTo("raycluster-sample-headless");
    assertThat(s.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(s.getMetadata().getLabels())
        .containsExactlyEntriesOf(Map.of("ray.io/headless-worker-svc", "raycluster-sample"));
    assertThat(s.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(s.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(s.getSpec().getSelector())
        .containsOnly(
            Map.entry("ray.io/cluster", "raycluster-sample"),
            Map.entry("ray.io/node-type", "worker"));
    assertThat(s.getSpec().getPublishNotReadyAddresses())
        .isEqualTo(v.equals("v1.1.0") ? null : Boolean.TRUE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void theHeadTemplatesAppNameLabelIsTheSelectors(String v) {
    String spec =
        "  headGroupSpec:\n    template:\n      metadata:\n        labels:\n"
            + "          app.kubernetes.io/name: testname\n          ray.io/cluster: ignored\n"
            + "      spec:\n        containers:\n        - name: ray-head\n          image: i\n";
    Service s = build(v, cluster(spec + worker("")));

    Map<String, String> expected = Labels.headService("raycluster-sample");
    expected.put("app.kubernetes.io/name", "testname");
    assertThat(s.getSpec().getSelector()).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(s.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void headServiceAnnotationsAreTheServicesAnnotations(String v) {
    RayClusterView c =
        cluster(
            "  headServiceAnnotations:\n    key1: testvalue1\n    key2: testvalue2\n"
                + head("")
                + worker(""));

    assertThat(build(v, c).getMetadata().getAnnotations())
        .containsExactlyInAnyOrderEntriesOf(Map.of("key1", "testvalue1", "key2", "testvalue2"));
  }
}
