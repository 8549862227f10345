package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.KubeRayEnvironment;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Selecting k3s without a Docker engine fails within seconds, saying what to do. The end-to-end
 * case runs in the surefire execution {@code without-docker}, which sets {@code DOCKER_HOST} to a
 * socket that does not exist.
 */
class K3sWithoutDockerTest {

  static final String NOWHERE = "unix:///nonexistent/docker.sock";

  @Test
  @DisplayName("a missing Docker socket is reported at once with the fix")
  void missingSocket() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> DockerPreflight.requireDocker(NOWHERE, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "The k3s backend needs a Docker engine, but Docker at "
                + NOWHERE
                + " is not reachable (no socket at /nonexistent/docker.sock)")
        .hasMessageContaining("DOCKER_HOST")
        .hasMessageContaining("kuberay.backend=emulated");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  @DisplayName("a TCP Docker host with nothing listening is reported within the timeout")
  void closedTcpPort() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    assertThat(DockerPreflight.problem("tcp://127.0.0.1:" + port, Duration.ofSeconds(3)))
        .get()
        .asString()
        .contains("is not reachable");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  @DisplayName("something that is not Docker answering on the port is reported too")
  void notDocker() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                try (var c = s.accept()) {
                  c.getOutputStream().write("HTTP/1.0 404 Not Found\r\n\r\n".getBytes());
                } catch (Exception e) {
                  // test ends
                }
              });
      t.start();
      assertThat(
              DockerPreflight.problem("tcp://127.0.0.1:" + s.getLocalPort(), Duration.ofSeconds(3)))
          .get()
          .asString()
          .contains("404");
    }
  }

  @Test
  @DisplayName(
      "selecting k3s with DOCKER_HOST pointing nowhere fails within seconds (surefire execution without-docker)")
  void environmentFailsFast() {
    assumeTrue(
        NOWHERE.equals(System.getenv("DOCKER_HOST")),
        "runs in the without-docker surefire execution (DOCKER_HOST=" + NOWHERE + ")");
    long start = System.nanoTime();
    assertThatThrownBy(() -> KubeRayEnvironment.builder().backend(BackendType.K3S).startExactly())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("The k3s backend needs a Docker engine")
        .hasMessageContaining(NOWHERE);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void firstAddressOfSubnet() {
    assertThat(OfflineTestcontainers.firstAddress("172.17.0.0/16")).isEqualTo("172.17.0.1");
    assertThat(OfflineTestcontainers.firstAddress("10.1.2.128/25")).isEqualTo("10.1.2.129");
  }
}
