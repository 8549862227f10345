package io.kuberay.harness.emulated;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The emulated Kubernetes API: {@link ApiDispatcher} and the {@link ObjectStore} behind it, reached two
 * ways. The environment's fabric8 client (which the emulated operator and node share) calls the dispatcher
 * in-process; kubectl and every client built from the kubeconfig speak HTTP to a loopback port, served by
 * fabric8's mock web server (Vert.x), which starts on the first such connection: a test that never leaves
 * the JVM never pays for it.
 */
final class EmulatedApiServer implements AutoCloseable {

  static final String KUBERNETES_VERSION = "v1.31.0";

  // The mock server logs every request at INFO through java.util.logging; keep output readable. The
  // strong reference keeps the level: JUL holds loggers weakly.
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final ApiDispatcher dispatcher = new ApiDispatcher(new ObjectStore(), KUBERNETES_VERSION);
  private final ExecutorService delivery = Executors.newCachedThreadPool(daemonThreads("kuberay-emulated-api-watch-"));
  private KubernetesClient client;
  private MockWebServer http;
  private boolean closed;

  /** Creates the built-in namespaces and the in-process client, which reports {@code masterUrl} as its server. */
  EmulatedApiServer start(String masterUrl) {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(masterUrl).withNamespace("default").withRequestTimeout(30_000).build();
    client = new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new InProcessHttpClient.Factory(dispatcher, delivery))
        .withKubernetesSerialization(Json.SERDE)
        .build();
    for (String ns : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).addToLabels("kubernetes.io/metadata.name", ns).endMetadata().withNewStatus().withPhase("Active").endStatus().build()).create();
    }
    return this;
  }

  /**
   * Creates an object without a client round trip: how the emulator bootstraps large objects such as
   * CRDs, parsed once per JVM. Watchers see it as usual.
   */
  void create(String collectionPath, Map<String, Object> object) {
    MockResponse response = dispatcher.create(collectionPath, object);
    if (response.code() >= 300) {
      throw new IllegalStateException("Creating " + collectionPath + " failed: " + response.code() + " " + (response.getBody() == null ? "" : response.getBody().readUtf8()));
    }
  }

  ApiDispatcher dispatcher() {
    return dispatcher;
  }

  /** The in-process client: owned by this server, closed with it. */
  KubernetesClient client() {
    return client;
  }

  /** The HTTP endpoint, started on first use. Loopback only: nothing outside this machine can reach the emulated cluster. */
  synchronized InetSocketAddress httpAddress() {
    if (closed) {
      throw new IllegalStateException("The emulated API server is closed");
    }
    if (http == null) {
      MockWebServer server = new MockWebServer();
      server.setDispatcher(dispatcher);
      server.start(InetAddress.getLoopbackAddress(), 0);
      http = server;
    }
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), http.getPort());
  }

  /** A kubeconfig any Kubernetes client can use to reach this server at {@code serverUrl}. */
  static String kubeconfig(String serverUrl) {
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: kuberay-harness\n"
        + "  cluster:\n"
        + "    server: " + serverUrl + "\n"
        + "contexts:\n"
        + "- name: kuberay-harness\n"
        + "  context:\n"
        + "    cluster: kuberay-harness\n"
        + "    user: kuberay-harness\n"
        + "    namespace: default\n"
        + "current-context: kuberay-harness\n"
        + "users:\n"
        + "- name: kuberay-harness\n"
        + "  user:\n"
        + "    token: emulated\n";
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    delivery.shutdownNow();
    MockWebServer server;
    synchronized (this) {
      closed = true;
      server = http;
    }
    if (server != null) {
      server.shutdown();
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
