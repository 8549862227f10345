package io.kuberay.harness.emulated.node.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.NodeCapacity;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.ServiceAccountTokens;
import io.kuberay.harness.ray.process.LocalExec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulated kubelet's pod files without Ray: mount namespaces, volume contents, env resolution
 * and their errors.
 */
class PodFilesTest {

  private static final NodeCapacity NODE = new NodeCapacity("2", "4Gi");
  private static final String CA = "-----BEGIN CERTIFICATE-----\nCA\n";
  @TempDir Path dir;
  private EmulatedApiServer api;
  private KubernetesClient client;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void start() {
    api = new EmulatedApiServer().start("http://127.0.0.1:1", CA);
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

  private static String run(PodSandbox sandbox, String script) {
    ExecResult r =
        LocalExec.of(sandbox.wrap(List.of("sh", "-c", script), "/"))
            .withTimeout(Duration.ofSeconds(30))
            .run();
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stdout();
  }

  private MountNamespaces namespaces() {
    MountNamespaces ns = MountNamespaces.probe();
    assumeThat(ns.available()).as("mount namespaces: %s", ns.unavailableReason()).isTrue();
    return ns;
  }

  @Test
  @DisplayName("mounts appear at paths that do not exist on the host, and the host stays unwritten")
  void sandboxLeavesHostAlone() throws Exception {
    String top = "/krh-test-" + UUID.randomUUID().toString().substring(0, 8);
    Path volume = Files.createDirectories(dir.resolve("v"));
    Files.writeString(volume.resolve("f.txt"), "volume");
    Path file = Files.writeString(dir.resolve("single"), "single");
    PodSandbox sandbox =
        PodSandbox.create(
            namespaces(),
            dir.resolve("ns"),
            List.of(
                new PodSandbox.Mount(volume, top + "/a/b", true),
                new PodSandbox.Mount(volume, "/home/krh-missing-user/samples", false),
                new PodSandbox.Mount(file, "/etc/krh-single.conf", true),
                PodSandbox.Mount.directory("/var/krh-workdir/x")));
    closing.add(sandbox);
    assertThat(
            run(
                sandbox,
                "cat "
                    + top
                    + "/a/b/f.txt /home/krh-missing-user/samples/f.txt /etc/krh-single.conf; cd /var/krh-workdir/x && pwd"))
        .isEqualTo("volumevolumesingle/var/krh-workdir/x\n");
    assertThat(run(sandbox, "touch " + top + "/a/b/new 2>&1 || true"))
        .contains("Read-only file system");
    // The host's / and /etc still hold what they held: only the namespace sees the mount points.
    assertThat(Path.of(top)).doesNotExist();
    assertThat(Path.of("/home/krh-missing-user")).doesNotExist();
    assertThat(Path.of("/etc/krh-single.conf")).doesNotExist();
    assertThat(Path.of("/var/krh-workdir")).doesNotExist();
    // The rest of the file system is the host's.
    assertThat(run(sandbox, "cat /etc/hostname"))
        .isEqualTo(Files.readString(Path.of("/etc/hostname")));
    sandbox.close();
    assertThat(sandbox.isAlive()).isFalse();
  }

  @Test
  @DisplayName("two namespaces mount different content at the same path and each sees its own")
  void twoPodsSamePath() throws Exception {
    Path a = Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("who"), "a");
    Path b = Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("who"), "b");
    PodSandbox one =
        PodSandbox.create(
            namespaces(),
            dir.resolve("ns1"),
            List.of(new PodSandbox.Mount(a.getParent(), "/home/ray/samples", true)));
    closing.add(one);
    PodSandbox two =
        PodSandbox.create(
            namespaces(),
            dir.resolve("ns2"),
            List.of(new PodSandbox.Mount(b.getParent(), "/home/ray/samples", true)));
    closing.add(two);
    assertThat(run(one, "cat /home/ray/samples/who")).isEqualTo("a");
    assertThat(run(two, "cat /home/ray/samples/who")).isEqualTo("b");
  }

  @Test
  @DisplayName("the unprivileged variant (a user namespace) mounts the same way")
  void userNamespace() throws Exception {
    namespaces();
    assumeThat(LocalExec.of(List.of("unshare", "-U", "-r", "-m", "true")).run().exitCode())
        .as("user namespaces allowed")
        .isZero();
    Path v = Files.writeString(Files.createDirectories(dir.resolve("u")).resolve("x"), "user-ns");
    PodSandbox sandbox =
        PodSandbox.create(
            MountNamespaces.userNamespace(),
            dir.resolve("ns"),
            List.of(new PodSandbox.Mount(v.getParent(), "/opt/krh-userns", true)));
    closing.add(sandbox);
    assertThat(run(sandbox, "cat /opt/krh-userns/x")).isEqualTo("user-ns");
    assertThat(Path.of("/opt/krh-userns")).doesNotExist();
  }

  @Test
  @DisplayName(
      "volume files are replaced atomically through ..data, and a mounted directory sees the update")
  void atomicUpdate() throws Exception {
    Path v = dir.resolve("vol");
    assertThat(
            AtomicVolumeWriter.write(
                v,
                Map.of(
                    "k",
                    new AtomicVolumeWriter.Entry("one".getBytes(StandardCharsets.UTF_8), 0644))))
        .isTrue();
    assertThat(
            AtomicVolumeWriter.write(
                v,
                Map.of(
                    "k",
                    new AtomicVolumeWriter.Entry("one".getBytes(StandardCharsets.UTF_8), 0644))))
        .isFalse();
    PodSandbox sandbox =
        PodSandbox.create(
            namespaces(),
            dir.resolve("ns"),
            List.of(new PodSandbox.Mount(v, "/srv/krh-vol", true)));
    closing.add(sandbox);
    assertThat(run(sandbox, "cat /srv/krh-vol/k")).isEqualTo("one");
    assertThat(
            AtomicVolumeWriter.write(
                v,
                Map.of(
                    "k",
                    new AtomicVolumeWriter.Entry("two".getBytes(StandardCharsets.UTF_8), 0600))))
        .isTrue();
    assertThat(run(sandbox, "cat /srv/krh-vol/k; stat -L -c %a /srv/krh-vol/k"))
        .isEqualTo("two600\n");
    assertThat(Files.list(v).filter(p -> p.getFileName().toString().startsWith("..20")).count())
        .as("old payload removed")
        .isEqualTo(1);
  }

  @Test
  @DisplayName(
      "env: a missing key or ConfigMap is the kubelet's CreateContainerConfigError; optional ones are skipped")
  void envErrors() {
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
    client
        .secrets()
        .inNamespace("t")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("sec")
                .endMetadata()
                .addToStringData("p", "pw")
                .build())
        .create();
    Pod ok =
        pod(
            "{metadata: {name: p, namespace: t}, spec: {containers: [{name: c, env: ["
                + "{name: A, valueFrom: {configMapKeyRef: {name: cfg, key: a}}}, {name: P, valueFrom: {secretKeyRef: {name: sec, key: p}}},"
                + "{name: O, valueFrom: {configMapKeyRef: {name: gone, key: x, optional: true}}}, {name: E, value: '$(A)$(P)'}]}]}}");
    assertThat(new ContainerEnv(client, ok, NODE, null).resolve(null))
        .containsEntry("A", "1")
        .containsEntry("P", "pw")
        .containsEntry("E", "1pw")
        .doesNotContainKey("O");
    Pod missingKey =
        pod(
            "{metadata: {name: p, namespace: t}, spec: {containers: [{name: c, env: [{name: X, valueFrom: {configMapKeyRef: {name: cfg, key: nope}}}]}]}}");
    assertThatThrownBy(() -> new ContainerEnv(client, missingKey, NODE, null).resolve(null))
        .hasMessage("couldn't find key nope in ConfigMap t/cfg");
    Pod missingSecretKey =
        pod(
            "{metadata: {name: p, namespace: t}, spec: {containers: [{name: c, env: [{name: X, valueFrom: {secretKeyRef: {name: sec, key: nope}}}]}]}}");
    assertThatThrownBy(() -> new ContainerEnv(client, missingSecretKey, NODE, null).resolve(null))
        .hasMessage("couldn't find key nope in Secret t/sec");
    Pod missingMap =
        pod(
            "{metadata: {name: p, namespace: t}, spec: {containers: [{name: c, envFrom: [{configMapRef: {name: gone}}]}]}}");
    assertThatThrownBy(() -> new ContainerEnv(client, missingMap, NODE, null).resolve(null))
        .hasMessage("configmap \"gone\" not found");
  }

  @Test
  @DisplayName(
      "in-cluster API: KUBERNETES_SERVICE_* in every container (its own env wins), the service account's token and the CA in the projected volume")
  void inClusterApi() throws Exception {
    ServiceAccountTokens tokens = new ServiceAccountTokens();
    InClusterApi inCluster = new InClusterApi("127.0.0.1", 40123, tokens);
    Pod p =
        pod(
            "{metadata: {name: p, namespace: t}, spec: {serviceAccountName: scaler, containers: [{name: c, env: [{name: KUBERNETES_SERVICE_PORT, value: '1'}]}],"
                + " volumes: [{name: api, projected: {sources: [{serviceAccountToken: {path: token}},"
                + " {configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}},"
                + " {downwardAPI: {items: [{path: namespace, fieldRef: {fieldPath: metadata.namespace}}]}}]}}]}}");
    assertThat(new ContainerEnv(client, p, NODE, inCluster).resolve(null))
        .containsEntry("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        .containsEntry("KUBERNETES_SERVICE_PORT_HTTPS", "40123")
        .containsEntry("KUBERNETES_SERVICE_PORT", "1");
    new PodVolumes(client, p, dir, NODE, inCluster).setUp();
    assertThat(Files.readString(dir.resolve("api/token"))).isEqualTo(tokens.issue("t", "scaler"));
    assertThat(tokens.authenticate("Bearer " + Files.readString(dir.resolve("api/token"))))
        .contains(new ServiceAccountTokens.Account("t", "scaler", ""));
    assertThat(Files.readString(dir.resolve("api/ca.crt")))
        .as("the namespace's kube-root-ca.crt, which the publisher filled with the server's CA")
        .isEqualTo(CA);
    assertThat(Files.readString(dir.resolve("api/namespace"))).isEqualTo("t");
  }

  @Test
  @DisplayName(
      "volumes: a missing ConfigMap or key is a FailedMount with the kubelet's message; unsupported types name the fix")
  void volumeErrors() throws Exception {
    Pod missing =
        pod(
            "{metadata: {name: p, namespace: t}, spec: {containers: [{name: c}], volumes: [{name: code, configMap: {name: gone}}]}}");
    assertThatThrownBy(() -> new PodVolumes(client, missing, dir, NODE, null).setUp())
        .isInstanceOfSatisfying(
            PodVolumes.VolumeException.class,
            e ->
                assertThat(e.kubeletMessage())
                    .isEqualTo(
                        "MountVolume.SetUp failed for volume \"code\" : configmap \"gone\" not found"));
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
    Pod badKey =
        pod(
            "{metadata: {name: p, namespace: t}, spec: {containers: [{name: c}], volumes: [{name: code, configMap: {name: cfg, items: [{key: b, path: b}]}}]}}");
    assertThatThrownBy(() -> new PodVolumes(client, badKey, dir, NODE, null).setUp())
        .hasMessage("configmap references non-existent config key: b");
    Pod optional =
        pod(
            "{metadata: {name: p, namespace: t}, spec: {containers: [{name: c}], volumes: [{name: code, secret: {secretName: gone, optional: true}}]}}");
    new PodVolumes(client, optional, dir, NODE, null).setUp();
    assertThat(dir.resolve("code").toFile().list())
        .as("files besides the kubelet's ..data")
        .allMatch(n -> n.startsWith(".."));
    Pod pvc =
        pod(
            "{metadata: {name: p, namespace: t}, spec: {containers: [{name: c}], volumes: [{name: data, persistentVolumeClaim: {claimName: x}}]}}");
    assertThatThrownBy(() -> new PodVolumes(client, pvc, dir, NODE, null).setUp())
        .hasMessageContaining("persistentvolumeclaim \"x\" not found");
    PersistentVolumeClaim claim =
        client
            .resource(
                new PersistentVolumeClaimBuilder()
                    .withNewMetadata()
                    .withName("x")
                    .withNamespace("t")
                    .endMetadata()
                    .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .endSpec()
                    .build())
            .create();
    assertThatThrownBy(() -> new PodVolumes(client, pvc, dir, NODE, null).setUp())
        .hasMessageContaining("persistentvolumeclaim \"x\" is not bound");
    claim.setStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound").build());
    client.resource(claim).updateStatus();
    Path claims = dir.resolve("claims");
    PodVolumes first = new PodVolumes(client, pvc, dir.resolve("a"), claims, NODE, null);
    first.setUp();
    Path data = first.source(pvc.getSpec().getVolumes().get(0));
    assertThat(data).startsWith(claims).isDirectory();
    Files.writeString(data.resolve("dump.rdb"), "kept");
    PodVolumes next = new PodVolumes(client, pvc, dir.resolve("b"), claims, NODE, null);
    next.setUp();
    assertThat(next.source(pvc.getSpec().getVolumes().get(0)))
        .as("the claim's directory, found again by the next pod")
        .isEqualTo(data);
  }
}
