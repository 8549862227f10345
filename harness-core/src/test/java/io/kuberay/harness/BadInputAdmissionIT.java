package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets the real API server's status codes and messages, and nothing is stored (v1.1.0, no
 * Ray).
 */
class BadInputAdmissionIT {

  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: %s
      spec:
        headGroupSpec:
          rayStartParams: {}
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
                resources:
                  requests: {cpu: '%s'}
        workerGroupSpecs: []
      """;
  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.OFF)
            .nodeCapacity("16", "64Gi")
            .startExactly();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @Test
  @DisplayName("cpu \"abc\" in a RayCluster: 422 with the CRD's quantity pattern, nothing stored")
  void badQuantityInRayCluster() {
    assertThatThrownBy(() -> env.rayClusters().createFromYaml(CLUSTER.formatted("badcpu", "abc")))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(
            "RayCluster.ray.io \"badcpu\" is invalid: spec.headGroupSpec.template.spec.containers[0]"
                + ".resources.requests.cpu: Invalid value: \"abc\": spec.headGroupSpec.template.spec.containers[0].resources"
                + ".requests.cpu in body should match '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))");
    assertThat(env.rayClusters().list()).noneMatch(c -> c.name().equals("badcpu"));
  }

  @Test
  @DisplayName("cpu \"abc\" in a pod: 400, the quantity parser's message")
  void badQuantityInPod() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("badcpu")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("busybox")
            .withNewResources()
            .addToRequests("cpu", new Quantity("abc"))
            .endResources()
            .endContainer()
            .endSpec()
            .build();
    assertThatThrownBy(() -> env.client().pods().inNamespace("default").resource(pod).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(400))
        .hasMessageContaining("quantities must match the regular expression");
  }

  @Test
  @DisplayName("a container without image: 422 spec.containers[0].image: Required value")
  void podWithoutImage() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("noimage")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .endContainer()
            .endSpec()
            .build();
    assertThatThrownBy(() -> env.client().pods().inNamespace("default").resource(pod).create())
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(
            "Pod \"noimage\" is invalid: spec.containers[0].image: Required value");
    assertThat(env.client().pods().inNamespace("default").withName("noimage").get()).isNull();
  }

  @Test
  @DisplayName("a label value with a space and a bad label key: 422 with the API server's rules")
  void badLabels() {
    ConfigMap cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("labels")
            .addToLabels("app", "a b")
            .endMetadata()
            .build();
    assertThatThrownBy(() -> env.client().configMaps().inNamespace("default").resource(cm).create())
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(
            "ConfigMap \"labels\" is invalid: metadata.labels: Invalid value: \"a b\": a valid label must be"
                + " an empty string or consist of alphanumeric characters");
    ConfigMap key =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("labelkey")
            .addToLabels("bad key", "x")
            .endMetadata()
            .build();
    assertThatThrownBy(
            () -> env.client().configMaps().inNamespace("default").resource(key).create())
        .hasMessageContaining(
            "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters");
  }

  @Test
  @DisplayName("annotations over 256 KiB in total: 422 Too long")
  void annotationsTooLong() {
    ConfigMap cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("annotated")
            .addToAnnotations("big", "x".repeat(262_144))
            .endMetadata()
            .build();
    assertThatThrownBy(() -> env.client().configMaps().inNamespace("default").resource(cm).create())
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining("metadata.annotations: Too long: must have at most 262144 bytes");
    ConfigMap fits =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("annotated")
            .addToAnnotations("big", "x".repeat(262_144 - 3))
            .endMetadata()
            .build();
    assertThat(env.client().configMaps().inNamespace("default").resource(fits).create())
        .isNotNull();
  }

  @Test
  @DisplayName("a 4 MiB request body: 413, limit 3 MiB")
  void bodyTooLarge() throws Exception {
    String body =
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"huge\"},\"data\":{\"k\":\""
            + "x".repeat(4 * 1024 * 1024)
            + "\"}}";
    HttpResponse<String> r =
        KubeconfigHttp.send(env, "POST", "/api/v1/namespaces/default/configmaps", body);
    assertThat(r.code()).as(r.body()).isEqualTo(413);
    assertThat(r.body()).contains("Request entity too large: limit is 3145728");
    assertThat(env.client().configMaps().inNamespace("default").withName("huge").get()).isNull();
  }

  @Test
  @DisplayName("dryRun=All admits and defaults but stores nothing")
  void dryRunStoresNothing() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("dry")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("busybox")
            .endContainer()
            .endSpec()
            .build();
    Pod answered = env.client().pods().inNamespace("default").resource(pod).dryRun().create();
    assertThat(answered.getSpec().getRestartPolicy()).isEqualTo("Always");
    assertThat(env.client().pods().inNamespace("default").withName("dry").get()).isNull();

    ConfigMap cm =
        env.client()
            .configMaps()
            .inNamespace("default")
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("kept")
                    .endMetadata()
                    .addToData("k", "v")
                    .build())
            .create();
    env.client().configMaps().inNamespace("default").resource(cm).dryRun().delete();
    assertThat(env.client().configMaps().inNamespace("default").withName("kept").get()).isNotNull();
  }

  @Test
  @DisplayName(
      "unknown fields in a RayCluster are pruned; fieldValidation=Strict rejects them with 400")
  void unknownFieldsPruned() throws Exception {
    String yaml =
        CLUSTER
            .formatted("unknown", "1")
            .replace("  workerGroupSpecs: []", "  workerGroupSpecs: []\n  notAField: 1");
    RayClusterHandle created = env.rayClusters().createFromYaml(yaml);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        (Map<String, Object>) created.get().getAdditionalProperties().get("spec");
    assertThat(spec).doesNotContainKey("notAField").containsKey("headGroupSpec");

    String json =
        "{\"apiVersion\":\"ray.io/v1\",\"kind\":\"RayCluster\",\"metadata\":{\"name\":\"strict\"},\"spec\":{"
            + "\"headGroupSpec\":{\"rayStartParams\":{},\"template\":{\"spec\":{\"containers\":[{\"name\":\"h\",\"image\":\"i\"}]}}},"
            + "\"notAField\":1}}";
    HttpResponse<String> r =
        KubeconfigHttp.send(
            env,
            "POST",
            "/apis/ray.io/v1/namespaces/default/rayclusters?fieldValidation=Strict",
            json);
    assertThat(r.code()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains("strict decoding error: unknown field \\\"spec.notAField\\\"");
    GenericKubernetesResource none =
        env.client()
            .genericKubernetesResources("ray.io/v1", "RayCluster")
            .inNamespace("default")
            .withName("strict")
            .get();
    assertThat(none).isNull();
  }

  @Test
  @DisplayName(
      "v1.1.0, a 55-character name: the head service and pod names are shortened as the operator's CheckName does")
  void longNameShortened() {
    String name = "c" + "x".repeat(54);
    RayClusterHandle cluster = env.rayClusters().createFromYaml(CLUSTER.formatted(name, "1"));
    String service = (name + "-head-svc").substring((name + "-head-svc").length() - 50);
    Waits.until(
        "service of RayCluster " + name,
        "created as " + service,
        Duration.ofSeconds(30),
        () -> env.client().services().inNamespace("default").withName(service).get(),
        s -> true,
        String::valueOf,
        null);
    cluster.awaitReady(Duration.ofSeconds(30));
    assertThat(cluster.headPod().name())
        .startsWith((name + "-head-").substring((name + "-head-").length() - 50))
        .hasSize(55);
  }

  @Test
  @DisplayName(
      "v1.1.0, a 70-character name: the service's ray.io/cluster label is refused, the cluster's state is failed")
  void tooLongNameFails() {
    String name = "c" + "x".repeat(69);
    RayClusterHandle cluster = env.rayClusters().createFromYaml(CLUSTER.formatted(name, "1"));
    Waits.until(
        "RayCluster default/" + name,
        "state failed",
        Duration.ofSeconds(30),
        () -> cluster.status(),
        s -> "failed".equals(s.state()),
        String::valueOf,
        null);
    assertThat(
            env.client()
                .pods()
                .inNamespace("default")
                .withLabel("ray.io/cluster", name)
                .list()
                .getItems())
        .isEmpty();
  }
}
