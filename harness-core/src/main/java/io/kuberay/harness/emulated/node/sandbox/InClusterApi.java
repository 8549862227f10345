package io.kuberay.harness.emulated.node.sandbox;

import io.kuberay.harness.emulated.support.ServiceAccountTokens;
import java.util.Map;

/**
 * How a pod reaches the API server from inside, as the kubelet tells it: the {@code
 * KUBERNETES_SERVICE_*} variables (here the server's loopback address, which its certificate names)
 * and the token of the pod's service account for a projected {@code serviceAccountToken} source.
 * The CA ({@code ca.crt}) comes from the namespace's {@code kube-root-ca.crt} ConfigMap, as the pod
 * spec's projection says.
 */
public record InClusterApi(String host, int port, ServiceAccountTokens tokens) {

  /** The variables the kubelet gives every container for the {@code kubernetes} service. */
  Map<String, String> serviceEnv() {
    String p = Integer.toString(port);
    String tcp = "tcp://" + host + ":" + p;
    return Map.of(
        "KUBERNETES_SERVICE_HOST", host,
        "KUBERNETES_SERVICE_PORT", p,
        "KUBERNETES_SERVICE_PORT_HTTPS", p,
        "KUBERNETES_PORT", tcp,
        "KUBERNETES_PORT_443_TCP", tcp,
        "KUBERNETES_PORT_443_TCP_PROTO", "tcp",
        "KUBERNETES_PORT_443_TCP_PORT", p,
        "KUBERNETES_PORT_443_TCP_ADDR", host);
  }
}
