package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSource;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.support.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * kube-controller-manager's serviceaccounts controller and root-ca-cert-publisher, and
 * kube-apiserver's ServiceAccount admission plugin, on the in-memory API server.
 */
class ServiceAccountsTest {

  private static final String CA = "-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n";
  private static final String MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

  private final EmulatedApiServer api = new EmulatedApiServer().start("http://127.0.0.1:1", CA);
  private final KubernetesClient client = api.client();

  @AfterEach
  void close() {
    api.close();
  }

  @Test
  @DisplayName(
      "every namespace, built-in or new, has ServiceAccount default and ConfigMap kube-root-ca.crt (the server's CA, the publisher's description)")
  void everyNamespaceHasTheControllersObjects() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("team").endMetadata().build())
        .create();
    for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease", "team")) {
      assertThat(client.serviceAccounts().inNamespace(ns).withName("default").get())
          .as("ServiceAccount %s/default", ns)
          .isNotNull();
      ConfigMap rootCa = client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get();
      assertThat(rootCa).as("ConfigMap %s/kube-root-ca.crt", ns).isNotNull();
      assertThat(rootCa.getData()).isEqualTo(Map.of("ca.crt", CA));
      assertThat(rootCa.getMetadata().getAnnotations())
          .containsEntry(
              "kubernetes.io/description",
              "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.");
    }
  }

  @Test
  @DisplayName(
      "a deleted default ServiceAccount or kube-root-ca.crt comes back (a new object); a changed kube-root-ca.crt is written back")
  void deletedOrChangedObjectsComeBack() {
    String oldUid =
        client
            .serviceAccounts()
            .inNamespace("default")
            .withName("default")
            .get()
            .getMetadata()
            .getUid();
    client.serviceAccounts().inNamespace("default").withName("default").delete();
    ServiceAccount again =
        client.serviceAccounts().inNamespace("default").withName("default").get();
    assertThat(again).as("default ServiceAccount after its deletion").isNotNull();
    assertThat(again.getMetadata().getUid()).isNotEqualTo(oldUid);

    client.configMaps().inNamespace("default").withName("kube-root-ca.crt").delete();
    assertThat(client.configMaps().inNamespace("default").withName("kube-root-ca.crt").get())
        .as("kube-root-ca.crt after its deletion")
        .isNotNull();

    client
        .configMaps()
        .inNamespace("default")
        .withName("kube-root-ca.crt")
        .edit(cm -> cm.toBuilder().withData(Map.of("ca.crt", "mine", "extra", "x")).build());
    assertThat(
            client.configMaps().inNamespace("default").withName("kube-root-ca.crt").get().getData())
        .isEqualTo(Map.of("ca.crt", CA));
  }

  @Test
  @DisplayName(
      "a pod gets serviceAccountName default and a kube-api-access-xxxxx projected volume mounted read-only in every container and init container")
  void podGetsTheDefaultAccountAndTheTokenVolume() {
    Pod pod =
        client
            .resource(
                pod(
                    "{metadata: {name: p, namespace: default}, spec: {initContainers: [{name: init, image: busybox}],"
                        + " containers: [{name: c, image: busybox}, {name: own, image: busybox, volumeMounts: [{name: mine, mountPath: "
                        + MOUNT
                        + "}]}], volumes: [{name: mine, emptyDir: {}}]}}"))
            .create();

    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("default");
    assertThat(pod.getSpec().getServiceAccount()).isEqualTo("default");
    Volume token =
        pod.getSpec().getVolumes().stream()
            .filter(v -> v.getName().startsWith("kube-api-access-"))
            .findFirst()
            .orElseThrow();
    assertThat(token.getName()).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
    assertThat(Json.toMap(token.getProjected()))
        .isEqualTo(
            Json.toMap(
                Json.SERDE.unmarshal(
                    "--- {defaultMode: 420, sources: [{serviceAccountToken: {expirationSeconds: 3607, path: token}},"
                        + " {configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}},"
                        + " {downwardAPI: {items: [{fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}, path: namespace}]}}]}",
                    ProjectedVolumeSource.class)));
    Map<String, Object> expected =
        Map.of("mountPath", MOUNT, "name", token.getName(), "readOnly", true);
    assertThat(pod.getSpec().getInitContainers().get(0).getVolumeMounts())
        .extracting(Json::toMap)
        .containsExactly(expected);
    assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts())
        .extracting(Json::toMap)
        .containsExactly(expected);
    assertThat(pod.getSpec().getContainers().get(1).getVolumeMounts())
        .as("a container with its own mount at the path keeps it")
        .extracting(VolumeMount::getName)
        .containsExactly("mine");

    Pod replaced =
        client
            .pods()
            .inNamespace("default")
            .withName("p")
            .edit(p -> p.toBuilder().editMetadata().addToLabels("x", "y").endMetadata().build());
    assertThat(replaced.getSpec().getVolumes())
        .as("an update adds no second token volume")
        .hasSize(2);
  }

  @Test
  @DisplayName(
      "a pod naming a ServiceAccount that does not exist is refused: 403 Forbidden, kube-apiserver's message, named as the request named it")
  void missingAccountIsForbidden() {
    assertThatThrownBy(
            () ->
                client
                    .resource(
                        pod(
                            "{metadata: {generateName: ray-head-, namespace: default}, spec: {serviceAccountName: my-ksa, containers: [{name: c, image: busybox}]}}"))
                    .create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
              assertThat(e.getStatus().getMessage())
                  .isEqualTo(
                      "pods \"ray-head-\" is forbidden: error looking up service account default/my-ksa: serviceaccount \"my-ksa\" not found");
              assertThat(e.getStatus().getDetails().getName()).isEqualTo("ray-head-");
              assertThat(e.getStatus().getDetails().getKind()).isEqualTo("pods");
            });
    assertThat(client.pods().inNamespace("default").list().getItems()).isEmpty();
  }

  @Test
  @DisplayName(
      "automountServiceAccountToken: the account's false leaves the token out, the pod's true wins over it; the account's imagePullSecrets are copied")
  void automountAndPullSecrets() {
    client
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("quiet")
                .withNamespace("default")
                .endMetadata()
                .withAutomountServiceAccountToken(false)
                .addNewImagePullSecret("registry")
                .build())
        .create();
    Pod quiet =
        client
            .resource(
                pod(
                    "{metadata: {name: q, namespace: default}, spec: {serviceAccount: quiet, containers: [{name: c, image: busybox}]}}"))
            .create();
    assertThat(quiet.getSpec().getServiceAccountName())
        .as("the deprecated serviceAccount names the account")
        .isEqualTo("quiet");
    assertThat(quiet.getSpec().getVolumes()).isNullOrEmpty();
    assertThat(quiet.getSpec().getContainers().get(0).getVolumeMounts()).isNullOrEmpty();
    assertThat(quiet.getSpec().getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly("registry");

    Pod loud =
        client
            .resource(
                pod(
                    "{metadata: {name: l, namespace: default}, spec: {serviceAccountName: quiet, automountServiceAccountToken: true, containers: [{name: c, image: busybox}]}}"))
            .create();
    assertThat(loud.getSpec().getVolumes())
        .extracting(Volume::getName)
        .singleElement()
        .asString()
        .startsWith("kube-api-access-");
  }

  private static Pod pod(String yaml) {
    return Json.SERDE.unmarshal("--- " + yaml, Pod.class);
  }
}
