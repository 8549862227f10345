package io.kuberay.harness.emulated.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.impl.KubernetesClientImpl;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuberay.harness.emulated.api.rbac.BootstrapPolicy;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.store.Selector;
import io.kuberay.harness.emulated.store.StoreWatch;
import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.store.WatchEvent;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.JulLoggers;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated Kubernetes API: {@link ApiDispatcher} and the {@link ObjectStore} behind it, reached
 * two ways. The environment's fabric8 client (which the emulated operator and node share) calls the
 * dispatcher in-process, with no sockets, TLS or credentials, as a privileged identity; kubectl and
 * every client built from the kubeconfig speak HTTPS with the environment's token (or a pod's
 * service-account token, which RBAC authorizes) to the {@code ApiFront}, which calls the same
 * dispatcher.
 */
public final class EmulatedApiServer implements ObjectEvents, AutoCloseable {

  public static final String KUBERNETES_VERSION = "v1.31.0";

  private static final Logger LOG = LoggerFactory.getLogger(EmulatedApiServer.class);

  static {
    // The mock server logs every request at INFO; keep output readable.
    JulLoggers.warningsOnly("io.fabric8.mockwebserver.MockWebServer");
  }

  private final ApiDispatcher dispatcher = new ApiDispatcher(new ObjectStore(), KUBERNETES_VERSION);
  private final ExecutorService delivery =
      Executors.newCachedThreadPool(daemonThreads("kuberay-emulated-api-watch-"));
  private KubernetesClient client;

  /**
   * Creates the built-in namespaces and ClusterRoles and the in-process client, which reports
   * {@code masterUrl} as its server; a server without an HTTPS front has no CA, and its {@code
   * kube-root-ca.crt} ConfigMaps hold an empty {@code ca.crt}.
   */
  public EmulatedApiServer start(String masterUrl) {
    return start(masterUrl, "");
  }

  /**
   * Starts the server as {@link #start(String)} does, with {@code caPem} (the CA that signed the
   * HTTPS front's certificate) published in every namespace's {@code kube-root-ca.crt}.
   */
  public EmulatedApiServer start(String masterUrl, String caPem) {
    return start(masterUrl, CompletableFuture.completedFuture(caPem));
  }

  /** As {@link #start(String, String)}, with the CA published once it is made. */
  public EmulatedApiServer start(String masterUrl, CompletableFuture<String> caPem) {
    dispatcher.rootCa(caPem);
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(masterUrl)
            .withNamespace("default")
            .withRequestTimeout(30_000)
            .build();
    // Built directly rather than through KubernetesClientBuilder, whose every instance first makes
    // a
    // KubernetesSerialization of its own (a fresh Jackson mapper) only to have it replaced by the
    // shared one.
    client =
        new KubernetesClientImpl(
            new InProcessHttpClient.Factory(dispatcher, delivery).newBuilder(config).build(),
            config,
            null,
            Json.SERDE);
    for (String ns : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      create(namespace(ns));
    }
    // The built-in ClusterRoles and bindings service accounts rely on (discovery, access reviews).
    BootstrapPolicy.objects().forEach(this::create);
    return this;
  }

  /**
   * Creates an object given as a map, without a client round trip: how the emulator bootstraps
   * itself (namespaces, the node, KubeRay's bundle). {@code object} is neither kept nor changed, so
   * a parsed CRD can be shared by every environment of the JVM. Watchers see the object as usual.
   */
  public void create(Map<String, Object> object) {
    String path = dispatcher.collectionPath(object);
    // Admission defaults pods and workloads in place, so they are copied; a CRD is only read (and
    // large: copying KubeRay's sat on a cold start).
    boolean crd = "CustomResourceDefinition".equals(object.get("kind"));
    check("Creating in " + path, dispatcher.create(path, crd ? object : JsonText.copy(object)));
  }

  @Override
  public Subscription watch(
      ResourceRef resource, String labelSelector, BiConsumer<String, StoredObject> listener) {
    StoreWatch watch =
        dispatcher.store().watch(resource, null, Selector.parse(labelSelector, null), null);
    watch.connect(
        new StoreWatch.Connection() {
          @Override
          public void send(WatchEvent event) {
            try {
              listener.accept(event.type(), event.object());
            } catch (RuntimeException e) {
              // A listener's failure must not fail the write that caused the event.
              LOG.warn("in-process watch listener failed", e);
            }
          }

          @Override
          public void end() {}
        });
    return watch::close;
  }

  /** The object at {@code path}, if there is one. */
  public Optional<Map<String, Object>> read(String path) {
    MockResponse response = dispatcher.dispatch(request(HttpMethod.GET, path, null));
    return response.code() == 200
        ? Optional.of(JsonText.readObject(response.getBody().readUtf8()))
        : Optional.empty();
  }

  /** A PUT of {@code object} to {@code path} (an object or its status). */
  public void replace(String path, Map<String, Object> object) {
    check(
        "Replacing " + path,
        dispatcher.dispatch(request(HttpMethod.PUT, path, JsonText.write(object))));
  }

  /**
   * A merge patch of the object at {@code path}; false when there is no such object (404), an
   * exception for any other refusal.
   */
  public boolean patch(String path, Map<String, Object> mergePatch) {
    RecordedRequest request =
        new RecordedRequest(
            "HTTP/1.1",
            HttpMethod.PATCH,
            path,
            Headers.builder().add("Content-Type", "application/merge-patch+json").build(),
            new Buffer(JsonText.write(mergePatch).getBytes(StandardCharsets.UTF_8)));
    MockResponse response = dispatcher.dispatch(request);
    if (response.code() == 404) {
      return false;
    }
    check("Patching " + path, response);
    return true;
  }

  private static RecordedRequest request(HttpMethod method, String path, String json) {
    Headers headers = Headers.builder().add("Content-Type", "application/json").build();
    return new RecordedRequest(
        "HTTP/1.1",
        method,
        path,
        headers,
        new Buffer(json == null ? null : json.getBytes(StandardCharsets.UTF_8)));
  }

  private static void check(String what, MockResponse response) {
    if (response.code() >= 300) {
      throw new IllegalStateException(
          what
              + " failed: "
              + response.code()
              + " "
              + (response.getBody() == null ? "" : response.getBody().readUtf8()));
    }
  }

  public ApiDispatcher dispatcher() {
    return dispatcher;
  }

  private static Map<String, Object> namespace(String name) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("labels", Map.of("kubernetes.io/metadata.name", name));
    Map<String, Object> ns = new LinkedHashMap<>();
    ns.put("apiVersion", "v1");
    ns.put("kind", "Namespace");
    ns.put("metadata", metadata);
    ns.put("status", Map.of("phase", "Active"));
    return ns;
  }

  /** The in-process client: owned by this server, closed with it. */
  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    delivery.shutdownNow();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
