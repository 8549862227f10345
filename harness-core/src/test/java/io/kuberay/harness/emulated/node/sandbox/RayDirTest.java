package io.kuberay.harness.emulated.node.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.NodeCapacity;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.ray.process.LocalExec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Ray container's {@code /tmp/ray}: its node's files, as in a Ray image, while Ray itself keeps
 * them in a short temp dir of the harness's.
 */
class RayDirTest {

  private static final NodeCapacity NODE = new NodeCapacity("2", "4Gi");
  @TempDir Path dir;
  private EmulatedApiServer api;
  private KubernetesClient client;
  private PodFilesystems files;
  private Path rayTemp;

  @BeforeEach
  void start() throws Exception {
    MountNamespaces ns = MountNamespaces.probe();
    assumeThat(ns.available()).as("mount namespaces: %s", ns.unavailableReason()).isTrue();
    api = new EmulatedApiServer().start("http://127.0.0.1:1", "-----BEGIN CERTIFICATE-----\n");
    client = api.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("t").endMetadata().build())
        .create();
    files = new PodFilesystems(dir.resolve("pods"), () -> client, NODE, ns, false);
    // What `ray start --head --temp-dir=...` leaves: a session dir and the link to it.
    rayTemp = Files.createDirectories(dir.resolve("krh-1"));
    Path session = Files.createDirectories(rayTemp.resolve("session_2026-12-04_1/logs"));
    Files.writeString(session.resolve("raylet.out"), "raylet started");
    Files.createSymbolicLink(rayTemp.resolve("session_latest"), session.getParent());
  }

  @AfterEach
  void stop() {
    if (files != null) {
      files.close();
      api.close();
    }
  }

  private static Pod pod(String yaml) {
    return Json.SERDE.unmarshal("--- " + yaml, Pod.class);
  }

  private String exec(Pod pod, String container, String script) {
    List<String> command =
        PodProcesses.forExec(files, pod, container).wrapped(List.of("sh", "-c", script));
    ExecResult r = LocalExec.of(command).withTimeout(Duration.ofSeconds(30)).run();
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stdout();
  }

  @Test
  @DisplayName(
      "a Ray container without a volume there sees its node's session at /tmp/ray; the host's /tmp/ray is untouched")
  void ownDirectory() {
    boolean hostHad = Files.exists(Path.of("/tmp/ray"));
    Pod head =
        pod(
            "{metadata: {name: h, namespace: t, uid: u1, labels: {ray.io/node-type: head}},"
                + " spec: {containers: [{name: ray-head}, {name: sidecar}]}}");
    files.setUp(head);
    files.linkRayTempDir(head, rayTemp);

    assertThat(exec(head, "ray-head", "cat /tmp/ray/session_latest/logs/raylet.out"))
        .isEqualTo("raylet started");
    assertThat(exec(head, "ray-head", "ls /tmp/ray"))
        .contains("session_2026-12-04_1", "session_latest");
    assertThat(Files.exists(Path.of("/tmp/ray"))).as("the host's /tmp/ray").isEqualTo(hostHad);
    assertThat(exec(head, "sidecar", "test -e /tmp/ray/session_latest && echo yes || echo no"))
        .as("another container without the volume: its own /tmp, as in a pod")
        .isEqualTo(hostHad ? "yes\n" : "no\n");
  }

  @Test
  @DisplayName(
      "an emptyDir at /tmp/ray (the chart's log-volume, the autoscaler's ray-logs) shows the session to every container that mounts it")
  void sharedEmptyDir() {
    Pod head =
        pod(
            "{metadata: {name: h, namespace: t, uid: u2, labels: {ray.io/node-type: head}},"
                + " spec: {containers: [{name: ray-head, volumeMounts: [{name: ray-logs, mountPath: /tmp/ray}]},"
                + " {name: autoscaler, volumeMounts: [{name: ray-logs, mountPath: /tmp/ray}]}],"
                + " volumes: [{name: ray-logs, emptyDir: {}}]}}");
    files.setUp(head);
    files.linkRayTempDir(head, rayTemp);

    assertThat(exec(head, "autoscaler", "cat /tmp/ray/session_latest/logs/raylet.out"))
        .isEqualTo("raylet started");
    assertThat(
            exec(
                head,
                "ray-head",
                "mkdir -p /tmp/ray/session_latest/logs && echo m > /tmp/ray/session_latest/logs/monitor.log && echo ok"))
        .isEqualTo("ok\n");
    assertThat(rayTemp.resolve("session_2026-12-04_1/logs/monitor.log"))
        .as(
            "a file the autoscaler writes there is in the node's session, where Ray's log API reads")
        .hasContent("m");
  }

  @Test
  @DisplayName("a hostPath at /tmp/ray is the user's: nothing is linked into it")
  void hostPathLeftAlone() throws Exception {
    Path hostDir = Files.createDirectories(dir.resolve("host-ray"));
    Pod head =
        pod(
            "{metadata: {name: h, namespace: t, uid: u3, labels: {ray.io/node-type: head}},"
                + " spec: {containers: [{name: ray-head, volumeMounts: [{name: h, mountPath: /tmp/ray}]}],"
                + " volumes: [{name: h, hostPath: {path: '"
                + hostDir
                + "'}}]}}");
    files.setUp(head);
    files.linkRayTempDir(head, rayTemp);

    assertThat(hostDir).isEmptyDirectory();
  }

  @Test
  @DisplayName("a pod that is not a Ray node gets no /tmp/ray of its own")
  void notARayPod() {
    Pod plain =
        pod("{metadata: {name: p, namespace: t, uid: u4}, spec: {containers: [{name: c}]}}");
    files.setUp(plain);
    files.linkRayTempDir(plain, rayTemp);

    assertThat(files.needsSandbox(plain, null)).isFalse();
  }
}
