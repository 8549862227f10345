package io.kuberay.harness.k3s;

import io.kuberay.harness.install.ImageReference;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether an image's registry can be reached at all (a TCP connection to its HTTPS port), asked
 * once per host.
 */
final class RegistryProbe {

  private static final Map<String, Boolean> REACHABLE = new ConcurrentHashMap<>();

  private RegistryProbe() {}

  static boolean reachable(String image, Duration timeout) {
    String registry = ImageReference.parse(image).registry();
    String host = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    return REACHABLE.computeIfAbsent(host, h -> connects(h, timeout));
  }

  private static boolean connects(String hostAndPort, Duration timeout) {
    int colon = hostAndPort.lastIndexOf(':');
    String host = colon > 0 ? hostAndPort.substring(0, colon) : hostAndPort;
    int port = colon > 0 ? Integer.parseInt(hostAndPort.substring(colon + 1)) : 443;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
