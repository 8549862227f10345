package io.kuberay.harness.emulated;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.Map;

/**
 * The emulated Kubernetes API on a loopback port: fabric8's mock web server (Vert.x) as the HTTP and
 * WebSocket transport, {@link ApiDispatcher} and the {@link ObjectStore} behind it.
 */
final class EmulatedApiServer implements AutoCloseable {

  static final String KUBERNETES_VERSION = "v1.31.0";

  private final MockWebServer server;
  private final ApiDispatcher dispatcher;
  private KubernetesClient client;

  // The mock server logs every request at INFO through java.util.logging; keep output readable. The
  // strong reference keeps the level: JUL holds loggers weakly.
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  EmulatedApiServer() {
    this.dispatcher = new ApiDispatcher(new ObjectStore(), KUBERNETES_VERSION);
    this.server = new MockWebServer();
    server.setDispatcher(dispatcher);
  }

  EmulatedApiServer start() {
    // Loopback only: nothing outside this machine can reach the emulated cluster.
    server.start(InetAddress.getLoopbackAddress(), 0);
    client = newClient();
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
    io.fabric8.mockwebserver.http.MockResponse response = dispatcher.create(collectionPath, object);
    if (response.code() >= 300) {
      throw new IllegalStateException("Creating " + collectionPath + " failed: " + response.code() + " " + (response.getBody() == null ? "" : response.getBody().readUtf8()));
    }
  }

  ApiDispatcher dispatcher() {
    return dispatcher;
  }

  String url() {
    return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
  }

  KubernetesClient client() {
    return client;
  }

  KubernetesClient newClient() {
    Config config = new io.fabric8.kubernetes.client.ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withNamespace("default")
        .withTrustCerts(true)
        .withRequestTimeout(30_000)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** A kubeconfig any Kubernetes client can use to reach this server. */
  String kubeconfig() {
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: kuberay-harness\n"
        + "  cluster:\n"
        + "    server: " + url() + "\n"
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
    server.shutdown();
  }
}
