package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.store.ResourceRef;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Watches of the emulated API against fabric8's client, as a real API server serves them: a watch
 * from a list's resourceVersion replays what happened in between, and one from too old a version
 * gets 410 Gone.
 */
class WatchHistoryTest {

  private MockWebServer server;
  private KubernetesClient client;

  /**
   * The API server with {@code history} changes kept per resource, running {@code beforeWatch} as a
   * watch request arrives.
   */
  private ObjectStore start(int history, Consumer<ObjectStore> beforeWatch) {
    ObjectStore store = new ObjectStore(history);
    ApiDispatcher api = new ApiDispatcher(store, EmulatedApiServer.KUBERNETES_VERSION);
    server = new MockWebServer();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (request.getPath().contains("watch=true")) {
              beforeWatch.accept(store);
            }
            return api.dispatch(request);
          }
        });
    server.start(InetAddress.getLoopbackAddress(), 0);
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:" + server.getPort())
            .withNamespace("default")
            .build();
    client = new KubernetesClientBuilder().withConfig(config).build();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build())
        .create();
    return store;
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.shutdown();
    }
  }

  @Test
  @DisplayName(
      "waitUntilCondition(Objects::isNull) sees a deletion that lands between its list and its watch")
  void deletionBetweenListAndWatch() {
    AtomicBoolean deleted = new AtomicBoolean();
    start(
        ObjectStore.HISTORY_PER_RESOURCE,
        store -> {
          // The informer has listed (the object was there) and now asks to watch from that list's
          // version.
          if (deleted.compareAndSet(false, true)) {
            store.delete(new ResourceRef("", "v1", "configmaps"), "default", "doomed");
          }
        });
    client.configMaps().resource(configMap("doomed")).create();

    long start = System.nanoTime();
    ConfigMap gone =
        client
            .configMaps()
            .withName("doomed")
            .waitUntilCondition(Objects::isNull, 30, TimeUnit.SECONDS);

    assertThat(gone).isNull();
    assertThat(deleted).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  @DisplayName(
      "a watch from a resourceVersion the server no longer keeps history for is closed with 410 Gone, so informers relist")
  void tooOldVersion() throws Exception {
    start(3, store -> {});
    String first =
        client
            .configMaps()
            .resource(configMap("churn"))
            .create()
            .getMetadata()
            .getResourceVersion();
    for (int i = 0; i < 5; i++) {
      client
          .configMaps()
          .withName("churn")
          .edit(
              c ->
                  new ConfigMapBuilder(c)
                      .addToData("n", String.valueOf(System.nanoTime()))
                      .build());
    }
    CompletableFuture<WatcherException> closed = new CompletableFuture<>();
    client
        .configMaps()
        .withName("churn")
        .watch(
            new ListOptionsBuilder().withResourceVersion(first).build(),
            new Watcher<ConfigMap>() {
              @Override
              public void eventReceived(Action action, ConfigMap resource) {
                closed.completeExceptionally(new AssertionError("expected no event but " + action));
              }

              @Override
              public void onClose(WatcherException cause) {
                closed.complete(cause);
              }
            });

    WatcherException cause = closed.get(10, TimeUnit.SECONDS);
    assertThat(cause.isHttpGone()).isTrue();
    assertThat(cause).hasMessageContaining("too old resource version: " + first);
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToData("k", "v")
        .build();
  }
}
