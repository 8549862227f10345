package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.NodeCapacity;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.node.sandbox.MountNamespaces;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.support.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet's steps between binding a pod and starting its container, without Ray: what a pod
 * that cannot mount its volumes or resolve its env reports.
 */
class ContainerPreparationTest {

  private static final NodeCapacity NODE = new NodeCapacity("2", "4Gi");
  @TempDir Path dir;
  private EmulatedApiServer api;
  private KubernetesClient client;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void start() {
    api = new EmulatedApiServer().start("http://127.0.0.1:1");
    client = api.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("t").endMetadata().build())
        .create();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    api.close();
  }

  private static Pod pod(String yaml) {
    // A document marker makes the flow-style text YAML, not JSON.
    return Json.SERDE.unmarshal("--- " + yaml, Pod.class);
  }

  @Test
  @DisplayName(
      "without mount namespaces a pod that mounts volumes does not start: event and condition name the volume and the fix")
  void noMechanism() {
    PodFilesystems files =
        new PodFilesystems(
            dir,
            () -> client,
            NODE,
            MountNamespaces.unavailable("'unshare -m' failed here"),
            false);
    closing.add(files);
    Pod pod =
        pod(
            "{metadata: {name: p, namespace: t, uid: u1}, spec: {containers: [{name: c, volumeMounts: [{name: code, mountPath: /home/ray/samples}]}],"
                + " volumes: [{name: code, emptyDir: {}}]}}");
    RecordingLifecycle lifecycle = new RecordingLifecycle();
    assertThat(ContainerPreparation.prepare(files, pod, lifecycle, () -> false)).isEmpty();
    assertThat(lifecycle.calls).hasSize(1);
    assertThat(lifecycle.calls.get(0))
        .startsWith("mountsUnavailable: volume code cannot be mounted")
        .contains("'unshare -m' failed here")
        .contains("util-linux")
        .contains("kuberay.pods.volumes=skip");
  }

  @Test
  @DisplayName(
      "a missing env key holds the container in CreateContainerConfigError until the key exists")
  void configErrorThenStart() {
    client
        .configMaps()
        .inNamespace("t")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("cfg")
                .endMetadata()
                .addToData("a", "1")
                .build())
        .create();
    PodFilesystems files =
        new PodFilesystems(dir, () -> client, NODE, MountNamespaces.probe(), false);
    closing.add(files);
    Pod pod =
        pod(
            "{metadata: {name: p, namespace: t, uid: u2}, spec: {containers: [{name: c, env: [{name: B, valueFrom: {configMapKeyRef: {name: cfg, key: b}}}]}]}}");
    RecordingLifecycle lifecycle =
        new RecordingLifecycle() {
          @Override
          public void configError(String message) {
            super.configError(message);
            client
                .configMaps()
                .inNamespace("t")
                .withName("cfg")
                .edit(
                    cm -> {
                      cm.getData().put("b", "2");
                      return cm;
                    });
          }
        };
    Optional<Map<String, String>> env =
        ContainerPreparation.prepare(files, pod, lifecycle, () -> false);
    assertThat(lifecycle.calls)
        .containsExactly("configError: couldn't find key b in ConfigMap t/cfg");
    assertThat(env).get().satisfies(e -> assertThat(e).containsEntry("B", "2"));
  }

  @Test
  @DisplayName(
      "an unexpected failure while preparing the pod is a Warning event on it, and the kubelet retries")
  void unexpectedFailureIsSaid() {
    AtomicInteger reads = new AtomicInteger();
    PodFilesystems files =
        new PodFilesystems(
            dir,
            () -> {
              if (reads.getAndIncrement() == 0) {
                throw new IllegalArgumentException("Illegal base64 character a");
              }
              return client;
            },
            NODE,
            MountNamespaces.probe(),
            false);
    closing.add(files);
    Pod pod =
        pod(
            "{metadata: {name: p, namespace: t, uid: u3}, spec: {containers: [{name: c, env: [{name: A, value: '1'}]}]}}");
    RecordingLifecycle lifecycle = new RecordingLifecycle();

    Optional<Map<String, String>> env =
        ContainerPreparation.prepare(files, pod, lifecycle, () -> false);

    assertThat(lifecycle.calls)
        .containsExactly(
            "warning Failed: the emulated kubelet cannot prepare the pod's containers:"
                + " IllegalArgumentException: Illegal base64 character a");
    assertThat(env).get().satisfies(e -> assertThat(e).containsEntry("A", "1"));
  }

  @Test
  @DisplayName(
      "a missing ConfigMap's FailedMount repeats with the mount back-off (the recorder counts it),"
          + " and the pod starts on the first try after the ConfigMap exists")
  void failedMountRepeatsThenStarts() {
    PodFilesystems files =
        new PodFilesystems(dir, () -> client, NODE, MountNamespaces.probe(), false);
    closing.add(files);
    // The volume is not mounted by the container: no mount namespace needed, only its set-up.
    Pod pod =
        pod(
            "{metadata: {name: p, namespace: t, uid: u4}, spec: {containers: [{name: c, env: [{name: A, value: '1'}]}],"
                + " volumes: [{name: conf, configMap: {name: late}}]}}");
    List<Long> tries = new ArrayList<>();
    RecordingLifecycle lifecycle =
        new RecordingLifecycle() {
          @Override
          public void warning(String reason, String message) {
            super.warning(reason, message);
            tries.add(System.nanoTime());
            if (calls.size() == 4) {
              client
                  .configMaps()
                  .inNamespace("t")
                  .resource(
                      new ConfigMapBuilder()
                          .withNewMetadata()
                          .withName("late")
                          .endMetadata()
                          .addToData("k", "v")
                          .build())
                  .create();
            }
          }
        };
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();

    Optional<Map<String, String>> env =
        ContainerPreparation.prepare(
            files,
            pod,
            lifecycle,
            () -> System.nanoTime() > deadline,
            () -> new MountBackOff(Duration.ofMillis(50), Duration.ofMillis(200)));

    assertThat(lifecycle.calls)
        .as("the kubelet's event on every failed try, not once per reason")
        .hasSize(4)
        .containsOnly(
            "warning FailedMount: MountVolume.SetUp failed for volume \"conf\" : configmap"
                + " \"late\" not found");
    assertThat(env).get().satisfies(e -> assertThat(e).containsEntry("A", "1"));
    // 50, 100, 200 ms between the tries: the back-off doubles up to its cap
    assertThat(Duration.ofNanos(tries.get(3) - tries.get(2)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test
  @DisplayName("a pod deleted while its mount fails stops being tried, without a further event")
  void deletedPodStopsTrying() throws Exception {
    PodFilesystems files =
        new PodFilesystems(dir, () -> client, NODE, MountNamespaces.probe(), false);
    closing.add(files);
    Pod pod =
        pod(
            "{metadata: {name: p, namespace: t, uid: u5}, spec: {containers: [{name: c}],"
                + " volumes: [{name: conf, secret: {secretName: never}}]}}");
    RecordingLifecycle lifecycle = new RecordingLifecycle();
    AtomicBoolean deleted = new AtomicBoolean();
    CompletableFuture<Optional<Map<String, String>>> prepared =
        CompletableFuture.supplyAsync(
            () ->
                ContainerPreparation.prepare(
                    files,
                    pod,
                    lifecycle,
                    deleted::get,
                    () -> new MountBackOff(Duration.ofMillis(50), Duration.ofMillis(100))));
    await("pod t/p to report FailedMount at least twice")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(lifecycle.calls).hasSizeGreaterThanOrEqualTo(2));

    deleted.set(true);

    assertThat(prepared.get(5, TimeUnit.SECONDS)).isEmpty();
    int events = lifecycle.calls.size();
    await("no FailedMount of deleted pod t/p for three back-offs (had " + events + ")")
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> lifecycle.calls.size() == events);
    assertThat(lifecycle.calls.get(0))
        .isEqualTo(
            "warning FailedMount: MountVolume.SetUp failed for volume \"conf\" : secret \"never\""
                + " not found");
  }

  private static class RecordingLifecycle extends IgnoringLifecycle {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void normal(String reason, String message) {
      calls.add("normal " + reason);
    }

    @Override
    public void imageUnavailable(String reason, String message) {
      calls.add("imageUnavailable " + reason + ": " + message);
    }

    @Override
    public void warning(String reason, String message) {
      calls.add("warning " + reason + ": " + message);
    }

    @Override
    public void configError(String message) {
      calls.add("configError: " + message);
    }

    @Override
    public void mountsUnavailable(String message) {
      calls.add("mountsUnavailable: " + message);
    }
  }
}
