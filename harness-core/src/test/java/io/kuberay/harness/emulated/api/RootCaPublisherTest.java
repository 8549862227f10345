package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The CA is made on a thread of its own while the environment starts: until it is ready, namespaces
 * have their {@code default} ServiceAccount only; then every namespace gets {@code
 * kube-root-ca.crt}, and a pod created meanwhile is admitted only once its namespace has it.
 */
class RootCaPublisherTest {

  private static final String CA = "-----BEGIN CERTIFICATE-----\nLATE\n-----END CERTIFICATE-----\n";

  private final CompletableFuture<String> ca = new CompletableFuture<>();
  private final EmulatedApiServer api = new EmulatedApiServer().start("http://127.0.0.1:1", ca);
  private final KubernetesClient client = api.client();

  @AfterEach
  void close() {
    api.close();
  }

  @Test
  @DisplayName("published into every namespace, built-in or made meanwhile, once the CA is made")
  void publishedWhenReady() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("early").endMetadata().build())
        .create();
    assertThat(client.serviceAccounts().inNamespace("early").withName("default").get()).isNotNull();
    assertThat(client.configMaps().inNamespace("early").withName("kube-root-ca.crt").get())
        .as("no CA yet, no ConfigMap")
        .isNull();

    ca.complete(CA);

    for (String ns : List.of("default", "kube-system", "early")) {
      Awaitility.await("kube-root-ca.crt in namespace " + ns)
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);
      assertThat(client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get().getData())
          .containsEntry("ca.crt", CA);
    }
  }

  @Test
  @DisplayName(
      "a pod created before the CA is made waits at admission, then finds kube-root-ca.crt")
  void podWaitsForTheCa() throws Exception {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("busybox")
            .endContainer()
            .endSpec()
            .build();
    CompletableFuture<Pod> created =
        CompletableFuture.supplyAsync(
            () -> client.pods().inNamespace("default").resource(pod).create());
    // The create is in flight and held at admission: it stays undone while the CA is missing.
    Awaitility.await("the pod create held at admission without the CA")
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !created.isDone());

    ca.complete(CA);

    assertThat(created.get(10, TimeUnit.SECONDS).getSpec().getVolumes())
        .anyMatch(v -> v.getName().startsWith("kube-api-access-"));
    assertThat(client.configMaps().inNamespace("default").withName("kube-root-ca.crt").get())
        .isNotNull();
  }
}
