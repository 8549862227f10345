package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Emulated Ray pods hold what their spec says: every volume type at its mountPath for the Ray node,
 * exec and the Ray jobs the head runs; env from ConfigMaps, Secrets and the downward API;
 * workingDir. Head and worker mount different content at the same path; the host's file system is
 * not written.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodVolumesAndEnvIT {

  private static final Duration WAIT = Duration.ofMinutes(3);
  @TempDir static Path hostDir;
  private static KubeRayEnvironment env;
  private static RayClusterHandle cluster;
  private static String ns;

  @BeforeAll
  static void start() throws IOException {
    Files.writeString(hostDir.resolve("from-host.txt"), "host file");
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
    ns = env.createNamespace("volumes");
    env.client()
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("code-head")
                .endMetadata()
                .addToData("sample_code.py", "print('head code v1')\n")
                .addToData("helper.py", "HELP = 1\n")
                .build())
        .create();
    env.client()
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("code-worker")
                .endMetadata()
                .addToData("worker_code.py", "print('worker code')\n")
                .build())
        .create();
    env.client()
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("app-config")
                .endMetadata()
                .addToData("greeting", "hello")
                .addToData("level", "debug")
                .build())
        .create();
    env.client()
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("app-secret")
                .endMetadata()
                .addToStringData("token", "s3cr3t")
                .build())
        .create();
    cluster =
        env.rayClusters()
            .inNamespace(ns)
            .createFromYaml(
                resource("volumes-cluster.yaml").replace("HOST_DIR", hostDir.toString()));
    try {
      cluster.awaitReady(WAIT);
    } catch (RuntimeException e) {
      env.client()
          .v1()
          .events()
          .inNamespace(ns)
          .list()
          .getItems()
          .forEach(ev -> System.err.println("EVENT " + ev.getReason() + " " + ev.getMessage()));
      System.err.println("HEADLOG " + cluster.headPod().logs());
      throw e;
    }
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  static String resource(String name) throws IOException {
    try (InputStream in = PodVolumesAndEnvIT.class.getResourceAsStream("/pods/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ExecResult head(String script) {
    ExecResult r = cluster.headPod().execShell(script);
    assertThat(r.exitCode()).as("exit of %s, stderr: %s", script, r.stderr()).isZero();
    return r;
  }

  @Test
  @DisplayName("configMap items, keys to paths, defaultMode and item mode; subPath; read-only")
  void configMapVolume() {
    assertThat(
            head("cat /home/ray/samples/sample_code.py /home/ray/samples/lib/helper.py").stdout())
        .isEqualTo("print('head code v1')\nHELP = 1\n");
    assertThat(
            head("stat -L -c %a /home/ray/samples/sample_code.py /home/ray/samples/lib/helper.py")
                .stdout())
        .isEqualTo("755\n600\n");
    assertThat(head("ls -A /home/ray/samples").stdout())
        .contains("sample_code.py", "lib", "..data");
    assertThat(head("cat /opt/krh-single/only.py").stdout()).isEqualTo("print('head code v1')\n");
    assertThat(cluster.headPod().execShell("touch /home/ray/samples/new").stderr())
        .contains("Read-only file system");
  }

  @Test
  @DisplayName("secret, downwardAPI, projected and hostPath volumes")
  void otherVolumes() {
    assertThat(head("cat /etc/app-secret/token").stdout()).isEqualTo("s3cr3t");
    assertThat(head("cat /etc/podinfo/labels").stdout())
        .contains("team=\"pods\"")
        .contains("ray.io/node-type=\"head\"");
    assertThat(head("cat /etc/podinfo/name").stdout()).isEqualTo(cluster.headPod().name());
    assertThat(head("cat /etc/podinfo/cpu").stdout()).isEqualTo("500");
    assertThat(
            head("cat /opt/krh-projected/greeting /opt/krh-projected/secret/token /opt/krh-projected/namespace")
                .stdout())
        .isEqualTo("hellos3cr3t" + ns);
    assertThat(head("cat /data/host/from-host.txt").stdout()).isEqualTo("host file");
    head("echo from-pod > /data/host/written.txt");
    assertThat(hostDir.resolve("written.txt")).hasContent("from-pod");
  }

  @Test
  @DisplayName(
      "env: envFrom with prefix, configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef, $(VAR); workingDir")
  void environment() {
    String out =
        head("echo $CFG_greeting $CFG_level $token $GREETING $TOKEN ${MAYBE-unset} $MY_POD $MY_TEAM $CPU_LIMIT $MEM_MI $COMBINED; pwd")
            .stdout();
    assertThat(out)
        .isEqualTo(
            "hello debug s3cr3t hello s3cr3t unset "
                + cluster.headPod().name()
                + " pods 1 2048 hello-s3cr3t-$(TOKEN)-$(UNDEFINED)\n/home/ray/work\n");
  }

  @Test
  @DisplayName(
      "head and worker mount different ConfigMaps at /home/ray/samples; the host has no /home/ray")
  void podsSeeTheirOwnContent() {
    PodHandle worker = cluster.workerPods().get(0);
    ExecResult w = worker.execShell("ls /home/ray/samples; cat /home/ray/samples/worker_code.py");
    assertThat(w.exitCode()).as(w.stderr()).isZero();
    assertThat(w.stdout()).isEqualTo("worker_code.py\nprint('worker code')\n");
    assertThat(Path.of("/home/ray")).doesNotExist();
    assertThat(Path.of("/data/host")).doesNotExist();
    assertThat(Path.of("/opt/krh-projected")).doesNotExist();
  }

  @Test
  @DisplayName(
      "Ray's files at /tmp/ray: in the head's emptyDir there (which its sidecar sees too) and in a worker without one")
  void raysFilesAtTmpRay() throws Exception {
    assertThat(head("ls /tmp/ray/session_latest/logs").stdout())
        .contains("raylet.out", "gcs_server.out");
    ExecResult worker = cluster.workerPods().get(0).execShell("ls /tmp/ray/session_latest/logs");
    assertThat(worker.exitCode()).as(worker.stderr()).isZero();
    assertThat(worker.stdout()).contains("raylet");
    assertThat(kubectlExec("sidecar", "ls", "/shared/session_latest/logs"))
        .contains("gcs_server.out");
  }

  @Test
  @DisplayName("an emptyDir is shared by the pod's containers")
  void emptyDirShared() throws Exception {
    head("echo shared-data > /tmp/ray/krh-shared.txt");
    assertThat(kubectlExec("sidecar", "cat", "/shared/krh-shared.txt")).isEqualTo("shared-data\n");
  }

  /**
   * Exec in a container of the head other than the first, through the kubeconfig's server, as
   * kubectl exec -c does.
   */
  private static String kubectlExec(String container, String... command) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (KubernetesClient kubectl =
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(env.kubeconfig())))
                .build();
        ExecWatch watch =
            kubectl
                .pods()
                .inNamespace(ns)
                .withName(cluster.headPod().name())
                .inContainer(container)
                .writingOutput(out)
                .exec(command)) {
      watch.exitCode().get(1, TimeUnit.MINUTES);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  @Order(Integer.MAX_VALUE) // changes the ConfigMap the other tests read
  @DisplayName("a ConfigMap update reaches the mounted volume, as the kubelet's sync does")
  void configMapUpdate() {
    env.client()
        .configMaps()
        .inNamespace(ns)
        .withName("code-head")
        .edit(
            cm -> {
              cm.getData().put("sample_code.py", "print('head code v2')\n");
              return cm;
            });
    Waits.until(
        "volume code of the head pod",
        "the updated ConfigMap's content",
        Duration.ofSeconds(30),
        () -> cluster.headPod().execShell("cat /home/ray/samples/sample_code.py").stdout(),
        s -> s.contains("v2"),
        s -> s,
        null);
    // A subPath mount keeps what it had when the container started.
    assertThat(head("cat /opt/krh-single/only.py").stdout()).isEqualTo("print('head code v1')\n");
  }

  @Test
  @DisplayName("a Ray job's entrypoint runs a script from the head's ConfigMap volume")
  void rayJobSeesVolume() {
    RayJobsClient jobs = RayJobsClient.connect(cluster.dashboardUrl());
    String id =
        jobs.submit(
            JobSubmission.entrypoint(
                "cat /etc/app-secret/token && python -c \"import os; print('cwd', os.getcwd())\""));
    jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
    assertThat(jobs.logs(id)).contains("s3cr3t");
  }
}
