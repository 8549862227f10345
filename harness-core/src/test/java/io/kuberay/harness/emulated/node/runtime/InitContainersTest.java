package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.NodeCapacity;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.node.sandbox.MountNamespaces;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.support.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Ray pod's own init containers run before its Ray container, as the kubelet runs them. */
class InitContainersTest {

  private static final NodeCapacity NODE = new NodeCapacity("2", "4Gi");
  private static final Map<String, String> RUNTIME_ENV = Map.of("PATH", System.getenv("PATH"));
  @TempDir Path dir;
  private EmulatedApiServer api;
  private KubernetesClient client;
  private PodFilesystems files;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final PodRuntime.PodLifecycle lifecycle = recording(events);

  @BeforeEach
  void start() {
    api = new EmulatedApiServer().start("http://127.0.0.1:1");
    client = api.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("t").endMetadata().build())
        .create();
    files =
        new PodFilesystems(dir.resolve("pods"), () -> client, NODE, MountNamespaces.probe(), false);
  }

  @AfterEach
  void stop() {
    files.close();
    api.close();
  }

  private static Pod pod(String initContainers) {
    return Json.SERDE.unmarshal(
        "--- {metadata: {name: p, namespace: t, uid: u1}, spec: {containers: [{name: ray-head,"
            + " image: 'rayproject/ray:2.46.0'}], initContainers: "
            + initContainers
            + "}}",
        Pod.class);
  }

  @Test
  @DisplayName(
      "the pod's init containers run in order with their env ($(VAR) expanded), KubeRay's wait-gcs-ready is left to the runtime")
  void runInOrder() throws Exception {
    Path out = dir.resolve("out");
    Pod pod =
        pod(
            "[{name: first, image: 'rayproject/ray:2.46.0', env: [{name: WHO, value: tls}],"
                + " command: [sh, -c, 'echo made-$(WHO) >> "
                + out
                + "']},"
                + " {name: wait-gcs-ready, image: 'rayproject/ray:2.46.0', command: [sh, -c, 'exit 1']},"
                + " {name: second, image: 'rayproject/ray:2.46.0', command: [sh, -c],"
                + " args: ['echo second >> "
                + out
                + "']}]");

    boolean done =
        InitContainers.run(pod, files, RUNTIME_ENV, dir.resolve("logs"), lifecycle, () -> false);

    assertThat(done).isTrue();
    assertThat(Files.readAllLines(out)).containsExactly("made-tls", "second");
    assertThat(events).isEmpty();
  }

  @Test
  @DisplayName(
      "a failing init container is a BackOff event naming it with its exit code and output, and the Ray container does not start")
  void failureIsSaid() {
    Pod pod =
        pod(
            "[{name: ray-head-tls, image: 'rayproject/ray:2.46.0',"
                + " command: [sh, -c, 'echo cannot write /etc/ray/tls/tls.key; exit 3']}]");

    boolean done =
        InitContainers.run(
            pod, files, RUNTIME_ENV, dir.resolve("logs"), lifecycle, () -> !events.isEmpty());

    assertThat(done).isFalse();
    assertThat(events)
        .containsExactly(
            "warning BackOff: Back-off restarting failed init container ray-head-tls in pod p_t(u1):"
                + " exit code 3, output: cannot write /etc/ray/tls/tls.key");
  }

  @Test
  @DisplayName(
      "an init container without a command says the node cannot run its image's entrypoint")
  void noCommand() {
    Pod pod = pod("[{name: setup, image: 'busybox:1.36'}]");

    boolean done =
        InitContainers.run(
            pod, files, RUNTIME_ENV, dir.resolve("logs"), lifecycle, () -> !events.isEmpty());

    assertThat(done).isFalse();
    assertThat(events)
        .singleElement()
        .asString()
        .startsWith("warning BackOff: Back-off restarting failed init container setup")
        .contains("cannot run the entrypoint of image busybox:1.36");
  }

  private static PodRuntime.PodLifecycle recording(List<String> events) {
    return new IgnoringLifecycle() {
      @Override
      public void initContainersDone() {
        events.add("initContainersDone");
      }

      @Override
      public void warning(String reason, String message) {
        events.add("warning " + reason + ": " + message);
      }

      @Override
      public void configError(String message) {
        events.add("configError: " + message);
      }
    };
  }
}
