package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.emulated.store.JsonText;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What kubectl users run every day, with the real kubectl against {@code up} (no Ray processes:
 * {@code --ray off}).
 */
class KubectlDailyCommandsIT {

  @TempDir static Path dir;
  private static Clients clients;
  private static ReleaseData releases;
  private static Emulator emulator;
  private static String headPod;

  @BeforeAll
  static void up() {
    releases = ReleaseData.require();
    clients = Clients.require("KubectlDailyCommandsIT", dir.resolve("kubeconfig"), dir);
    emulator =
        Emulator.start(
            UpOptions.defaults().withKubeconfig(dir.resolve("kubeconfig")).withRay(RayMode.OFF),
            System.out);
    headPod =
        ok(clients.kubectl(
                "get",
                "pods",
                "-l",
                "ray.io/node-type=head",
                "-o",
                "jsonpath={.items[0].metadata.name}"))
            .stdout()
            .trim();
  }

  @AfterAll
  static void down() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void waitForConditionsAndJsonPaths() {
    ok(clients.kubectl("wait", "--for=condition=Ready", "pod/" + headPod, "--timeout=60s"));
    ok(
        clients.kubectl(
            "wait",
            "--for=condition=Available",
            "deployment/kuberay-operator",
            "-n",
            emulator.environment().operatorNamespace(),
            "--timeout=60s"));
    ok(
        clients.kubectl(
            "wait",
            "--for=jsonpath={.status.state}=ready",
            "raycluster/raycluster-kuberay",
            "--timeout=60s"));
    Clients.Result never =
        clients.kubectl(
            "wait",
            "--for=jsonpath={.status.state}=suspended",
            "raycluster/raycluster-kuberay",
            "--timeout=2s");
    assertThat(never.exitCode()).isNotZero();
    assertThat(never.stderr()).contains("timed out waiting for the condition");
  }

  @Test
  void describeShowsEvents() {
    String pod = ok(clients.kubectl("describe", "pod", headPod)).stdout();
    assertThat(pod)
        .contains("Name:")
        .contains(headPod)
        .contains("Status:")
        .contains("Running")
        .contains("Events:")
        .contains("Started");
    String cluster = ok(clients.kubectl("describe", "raycluster", "raycluster-kuberay")).stdout();
    assertThat(cluster)
        .contains("Kind:         RayCluster")
        .contains("Events:")
        .contains("Created head pod");
  }

  @Test
  void getEventsAndWatchThem() throws Exception {
    String events = ok(clients.kubectl("get", "events")).stdout();
    assertThat(events.lines().findFirst().orElse(""))
        .contains("LAST SEEN")
        .contains("TYPE")
        .contains("REASON")
        .contains("OBJECT")
        .contains("MESSAGE");
    assertThat(events).contains("raycluster/raycluster-kuberay");
    // The troubleshooting guides' form: --sort-by needs the whole objects in the server's Table.
    String sorted = ok(clients.kubectl("get", "events", "--sort-by=.lastTimestamp")).stdout();
    assertThat(sorted).contains("LAST SEEN").contains("raycluster/raycluster-kuberay");
    try (Clients.Streaming watch = clients.stream(List.of("get", "events", "--watch"), Map.of())) {
      assertThat(watch.awaitLine(l -> l.contains("pod/" + headPod))).as(watch.output()).isNotNull();
      // A new event arrives on the open watch.
      Path event = dir.resolve("event.yaml");
      Files.writeString(
          event,
          "apiVersion: v1\nkind: Event\nmetadata:\n  name: harness-check\ntype: Normal\nreason: HarnessCheck\nmessage: seen on the watch\n"
              + "involvedObject:\n  apiVersion: ray.io/v1\n  kind: RayCluster\n  name: raycluster-kuberay\n  namespace: default\n");
      ok(clients.kubectl(List.of("create", "-f", event.toString()), clients.kubectlValidation()));
      // Events arriving on the watch print as NAME AGE: watch events are objects, not Table rows
      // (docs/PARITY.md).
      assertThat(watch.awaitLine(l -> l.startsWith("harness-check")))
          .as(watch.output())
          .isNotNull();
      assertThat(watch.isAlive()).isTrue();
    }
  }

  @Test
  void logsFollowStaysOpen() throws Exception {
    try (Clients.Streaming logs = clients.stream(List.of("logs", "-f", headPod), Map.of())) {
      // --ray off: no process writes; following keeps the connection open until stopped
      Awaitility.await("kubectl logs -f following")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(20))
          .until(logs::isAlive);
      assertThat(logs.output()).doesNotContain("error");
    }
  }

  /**
   * {@code kubectl logs} per container: kubectl defaults to the first of several containers and
   * says so; the API server refuses a container the pod does not have and, through the kubelet, a
   * {@code --previous} without a terminated instance, with the real messages. The emulated node's
   * logs used to ignore the container (a sidecar's log was the first container's).
   */
  @Test
  void logsPerContainer() throws IOException {
    Path pod = dir.resolve("two-containers.yaml");
    Files.writeString(
        pod,
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: two-containers
        spec:
          containers:
          - name: main
            image: busybox:1.36
          - name: sidecar
            image: busybox:1.36
        """);
    ok(clients.kubectl(List.of("apply", "-f", pod.toString()), clients.kubectlValidation()));
    ok(clients.kubectl("wait", "--for=condition=Ready", "pod/two-containers", "--timeout=60s"));

    Clients.Result defaulted = ok(clients.kubectl("logs", "two-containers"));
    assertThat(defaulted.stderr()).contains("Defaulted container \"main\" out of: main, sidecar");
    ok(clients.kubectl("logs", "two-containers", "-c", "sidecar"));

    String log = "/api/v1/namespaces/default/pods/";
    Clients.Result unknown =
        clients.kubectl("get", "--raw", log + headPod + "/log?container=ray-job-submitter");
    assertThat(unknown.exitCode()).as(unknown.toString()).isNotZero();
    assertThat(unknown.stderr())
        .contains("container ray-job-submitter is not valid for pod " + headPod);
    Clients.Result unnamed = clients.kubectl("get", "--raw", log + "two-containers/log");
    assertThat(unnamed.stderr())
        .contains(
            "a container name must be specified for pod two-containers,"
                + " choose one of: [main sidecar]");
    Clients.Result previous = clients.kubectl("logs", headPod, "--previous");
    assertThat(previous.exitCode()).as(previous.toString()).isNotZero();
    assertThat(previous.stderr())
        .contains(
            "previous terminated container \"ray-head\" in pod \"" + headPod + "\" not found");
    ok(clients.kubectl("delete", "pod", "two-containers", "--wait=false"));
  }

  // ---- exec and cp: the channel protocol carries bytes, stdin and streamed output

  /**
   * {@code kubectl cp} both ways (a tar stream piped into and out of {@code tar} in the pod):
   * binary content arrives unchanged and a directory keeps its tree; {@code kubectl exec -- cat} of
   * a binary file is the file.
   */
  @Test
  void cpCopiesBinaryFilesAndDirectoriesBothWays() throws Exception {
    String remote = "/tmp/kubectl-cp-" + System.nanoTime();
    ok(clients.kubectl("exec", headPod, "--", "mkdir", "-p", remote));
    byte[] data = new byte[300_000];
    new Random(42).nextBytes(data);
    Path local = Files.write(dir.resolve("bin.dat"), data);

    ok(clients.kubectl("cp", local.toString(), headPod + ":" + remote + "/bin.dat"));
    assertThat(ok(clients.kubectl("exec", headPod, "--", "md5sum", remote + "/bin.dat")).stdout())
        .startsWith(md5(data) + " ");
    Path back = dir.resolve("bin-back.dat");
    ok(clients.kubectl("cp", headPod + ":" + remote + "/bin.dat", back.toString()));
    assertThat(Files.readAllBytes(back)).isEqualTo(data);
    Path catted = dir.resolve("bin-cat.dat");
    ok(clients.kubectlStdoutTo(catted, "exec", headPod, "--", "cat", remote + "/bin.dat"));
    assertThat(Files.readAllBytes(catted)).isEqualTo(data);

    Path tree = Files.createDirectories(dir.resolve("tree/sub"));
    Files.writeString(dir.resolve("tree/a.txt"), "alpha\n");
    Files.write(tree.resolve("b.bin"), Arrays.copyOf(data, 5000));
    ok(clients.kubectl("cp", dir.resolve("tree").toString(), headPod + ":" + remote + "/tree"));
    assertThat(ok(clients.kubectl("exec", headPod, "--", "cat", remote + "/tree/a.txt")).stdout())
        .isEqualTo("alpha\n");
    Path treeBack = dir.resolve("tree-back");
    ok(clients.kubectl("cp", headPod + ":" + remote + "/tree", treeBack.toString()));
    assertThat(Files.readString(treeBack.resolve("a.txt"))).isEqualTo("alpha\n");
    assertThat(Files.readAllBytes(treeBack.resolve("sub/b.bin")))
        .isEqualTo(Arrays.copyOf(data, 5000));
  }

  /**
   * {@code kubectl exec -i}: what kubectl reads reaches the command, and its end is end of file.
   */
  @Test
  void execWithStdinRunsAScriptReadFromIt() {
    String script = "import sys\nprint('from stdin', sum(range(10)))\nsys.exit(4)\n";
    Clients.Result python =
        clients.kubectlWithInput(script, "exec", "-i", headPod, "--", "python3", "-");
    assertThat(python.exitCode()).as(python.toString()).isEqualTo(4);
    assertThat(python.stdout()).isEqualTo("from stdin 45\n");
    assertThat(ok(clients.kubectlWithInput("x\ny\n", "exec", "-i", headPod, "--", "cat")).stdout())
        .isEqualTo("x\ny\n");
    // Without -i the command's stdin is empty, whatever kubectl was given.
    assertThat(ok(clients.kubectlWithInput("ignored\n", "exec", headPod, "--", "cat")).stdout())
        .isEmpty();
  }

  /** Output reaches kubectl as the command writes it, not when the command ends. */
  @Test
  void execStreamsOutputBeforeTheCommandEnds() throws Exception {
    try (Clients.Streaming exec =
        clients.stream(
            List.of("exec", headPod, "--", "sh", "-c", "echo first; sleep 60; echo second"),
            Map.of())) {
      Awaitility.await("kubectl exec printing 'first' while the command still sleeps")
          .atMost(Duration.ofSeconds(20))
          .until(exec::output, out -> out.contains("first"));
      assertThat(exec.isAlive()).as(exec.output()).isTrue();
      assertThat(exec.output()).doesNotContain("second");
    }
  }

  /** Exit codes as kubectl reports them; a command that does not exist is the shell's 127. */
  @Test
  void execExitCodes() {
    Clients.Result three = clients.kubectl("exec", headPod, "--", "sh", "-c", "exit 3");
    assertThat(three.exitCode()).as(three.toString()).isEqualTo(3);
    assertThat(three.stderr()).contains("command terminated with exit code 3");
    Clients.Result err =
        clients.kubectl("exec", headPod, "--", "sh", "-c", "echo out; echo err >&2");
    assertThat(ok(err).stdout()).isEqualTo("out\n");
    assertThat(err.stderr()).isEqualTo("err\n");
  }

  /**
   * {@code kubectl exec -t} (kubectl itself on a terminal of 33 rows and 111 columns, as a user's
   * shell gives it): the command runs on a terminal of that size, stderr shows there.
   */
  @Test
  void execWithATerminal() {
    Optional<Path> script = Clients.findTool("script");
    Assumptions.assumeTrue(script.isPresent(), "util-linux script gives kubectl a terminal");
    String kubectl =
        "stty rows 33 cols 111; "
            + clients.kubectlPath()
            + " exec -it "
            + headPod
            + " -- sh -c 'tty; sleep 1; stty size; echo err >&2; exit 2'";
    Clients.Result run =
        clients.run(script.get(), List.of("-qec", kubectl, "/dev/null"), Map.of(), null);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stdout())
        .contains("/dev/pts/")
        .contains("33 111")
        .contains("err")
        .doesNotContain("not a tty");
  }

  private static String md5(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
  }

  @Test
  void apiResourcesAndAuthCanI() {
    String resources = ok(clients.kubectl("api-resources")).stdout();
    assertThat(resources)
        .containsPattern("rayclusters\\s+ray.io/v1\\s+true\\s+RayCluster")
        .containsPattern("pods\\s+po\\s+v1\\s+true\\s+Pod")
        .containsPattern("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment");
    assertThat(ok(clients.kubectl("api-resources", "--api-group=ray.io", "-o", "name")).stdout())
        .contains("rayclusters.ray.io")
        .contains("rayjobs.ray.io");
    assertThat(ok(clients.kubectl("auth", "can-i", "create", "rayclusters")).stdout().trim())
        .isEqualTo("yes");
    assertThat(
            ok(clients.kubectl("auth", "can-i", "delete", "pods", "-n", "kube-system"))
                .stdout()
                .trim())
        .isEqualTo("yes");
    assertThat(ok(clients.kubectl("auth", "can-i", "--list")).stdout()).contains("*.*");
  }

  /**
   * A service account's token ({@code kubectl create token}) is authorized by RBAC: what its Role
   * grants works, {@code auth can-i --token} answers from the same rules, and the rest gets
   * kube-apiserver's Forbidden, changing nothing.
   */
  @Test
  void serviceAccountTokensAreAuthorizedByRbac() throws IOException {
    // Applied as YAML here; KubectlCreateIT runs kubectl's create subcommands (protobuf bodies).
    List<String> apply = new ArrayList<>(List.of("apply", "-f", "-"));
    apply.addAll(clients.kubectlValidation());
    ok(
        clients.kubectlWithInput(
            String.join(
                "\n",
                "apiVersion: v1",
                "kind: ServiceAccount",
                "metadata: {name: robot}",
                "---",
                "apiVersion: rbac.authorization.k8s.io/v1",
                "kind: Role",
                "metadata: {name: pod-reader}",
                "rules:",
                "- {apiGroups: [''], resources: [pods], verbs: [get, list, watch]}",
                "---",
                "apiVersion: rbac.authorization.k8s.io/v1",
                "kind: RoleBinding",
                "metadata: {name: robot-reads}",
                "subjects: [{kind: ServiceAccount, name: robot, namespace: default}]",
                "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}",
                ""),
            apply.toArray(String[]::new)));
    // The TokenRequest API, as `kubectl create token robot` calls it (in JSON).
    Path request = dir.resolve("token-request.json");
    Files.writeString(
        request,
        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}");
    String minted =
        ok(clients.kubectl(
                "create",
                "--raw",
                "/api/v1/namespaces/default/serviceaccounts/robot/token",
                "-f",
                request.toString()))
            .stdout();
    Matcher tokenField = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(minted);
    assertThat(tokenField.find()).as(minted).isTrue();
    String token = tokenField.group(1);
    String asRobot = "--token=" + token;
    assertThat(clients.kubectl("auth", "can-i", "list", "pods", asRobot).stdout().trim())
        .isEqualTo("yes");
    assertThat(clients.kubectl("auth", "can-i", "delete", "pods", asRobot).stdout().trim())
        .isEqualTo("no");
    assertThat(ok(clients.kubectl("get", "pods", "-o", "name", asRobot)).stdout())
        .contains("pod/" + headPod);
    Clients.Result delete = clients.kubectl("delete", "pod", headPod, "--wait=false", asRobot);
    assertThat(delete.exitCode()).as("%s", delete).isNotZero();
    assertThat(delete.stderr())
        .contains(
            "Error from server (Forbidden): pods \""
                + headPod
                + "\" is forbidden: User \"system:serviceaccount:default:robot\" cannot delete"
                + " resource \"pods\" in API group \"\" in the namespace \"default\"");
    assertThat(ok(clients.kubectl("get", "pod", headPod, "-o", "name")).stdout().trim())
        .isEqualTo("pod/" + headPod);
  }

  @Test
  void clientSideAndServerSideApply() throws IOException {
    Path cm = dir.resolve("cm.yaml");
    Files.writeString(
        cm, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: \"1\"\n");
    assertThat(
            ok(clients.kubectl(List.of("apply", "-f", cm.toString()), clients.kubectlValidation()))
                .stdout())
        .contains("configmap/applied created");
    Files.writeString(
        cm, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  b: \"2\"\n");
    assertThat(
            ok(clients.kubectl(List.of("apply", "-f", cm.toString()), clients.kubectlValidation()))
                .stdout())
        .contains("configmap/applied configured");
    // Client-side apply removes what the last applied configuration had and this one has not.
    assertThat(ok(clients.kubectl("get", "cm", "applied", "-o", "jsonpath={.data}")).stdout())
        .isEqualTo("{\"b\":\"2\"}");

    Path ssa = dir.resolve("ssa.yaml");
    Files.writeString(
        ssa,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: server-applied\ndata:\n  c: \"3\"\n");
    assertThat(
            ok(clients.kubectl(
                    List.of("apply", "--server-side", "-f", ssa.toString()),
                    clients.kubectlValidation()))
                .stdout())
        .contains("configmap/server-applied serverside-applied");
    assertThat(
            ok(clients.kubectl("get", "cm", "server-applied", "-o", "jsonpath={.data.c}")).stdout())
        .isEqualTo("3");
    ok(clients.kubectl("delete", "cm", "applied", "server-applied", "--wait"));
  }

  /**
   * Client-side apply and {@code kubectl patch} of a Deployment send strategic merge patches:
   * containers merge by name, keeping what the patch does not name. A RayCluster refuses them
   * (415), as a real API server's CRD handler does; kubectl words that error itself.
   */
  @Test
  void strategicMergePatchOfADeployment() throws IOException {
    Path deploy = dir.resolve("smp-deploy.yaml");
    String manifest =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: smp
        spec:
          replicas: 0
          selector:
            matchLabels: {app: smp}
          template:
            metadata:
              labels: {app: smp}
            spec:
              containers:
              - name: redis
                image: redis:%s
                command: [redis-server]
                ports: [{containerPort: 6379}]
                env: [{name: A, value: "1"}]
              - name: sidecar
                image: busybox:1
                args: [sleep, inf]
        """;
    Files.writeString(deploy, manifest.formatted("6"));
    ok(clients.kubectl(List.of("apply", "-f", deploy.toString()), clients.kubectlValidation()));
    List<Map<String, Object>> before = containers("smp");
    Files.writeString(deploy, manifest.formatted("7"));
    assertThat(
            ok(clients.kubectl(
                    List.of("apply", "-f", deploy.toString()), clients.kubectlValidation()))
                .stdout())
        .contains("deployment.apps/smp configured");
    List<Map<String, Object>> applied = containers("smp");
    Map<String, Object> redis = new LinkedHashMap<>(before.get(0));
    redis.put("image", "redis:7");
    assertThat(applied).containsExactly(redis, before.get(1));

    ok(
        clients.kubectl(
            "patch",
            "deploy",
            "smp",
            "-p",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox:2\"}]}}}}"));
    Map<String, Object> sidecar = new LinkedHashMap<>(before.get(1));
    sidecar.put("image", "busybox:2");
    assertThat(containers("smp")).containsExactly(redis, sidecar);
    ok(clients.kubectl("delete", "deploy", "smp"));

    String cluster =
        ok(clients.kubectl("get", "raycluster", "-o", "jsonpath={.items[0].metadata.name}"))
            .stdout()
            .trim();
    Clients.Result refused =
        clients.kubectl(
            "patch", "raycluster", cluster, "-p", "{\"metadata\":{\"labels\":{\"smp\":\"x\"}}}");
    assertThat(refused.exitCode()).as("%s", refused).isNotZero();
    assertThat(refused.stderr())
        .contains(
            "error: application/strategic-merge-patch+json is not supported by ray.io/v1,"
                + " Kind=RayCluster: the body of the request was in an unknown format - accepted"
                + " media types include: application/json-patch+json, application/merge-patch+json,"
                + " application/apply-patch+yaml");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> containers(String deployment) {
    Map<String, Object> object =
        JsonText.readObject(
            ok(clients.kubectl("get", "deploy", deployment, "-o", "json")).stdout());
    Map<String, Object> spec = (Map<String, Object>) object.get("spec");
    Map<String, Object> template = (Map<String, Object>) spec.get("template");
    return (List<Map<String, Object>>)
        ((Map<String, Object>) template.get("spec")).get("containers");
  }

  /**
   * The RayJob CRD (330 kB as JSON) is larger than the last-applied annotation may be: client-side
   * apply fails as on a real server; server-side apply works.
   */
  @Test
  void theLastAppliedAnnotationLimit() {
    Path crd =
        releases
            .rayClusterChart(KubeRayVersion.V1_1_0)
            .getParent()
            .getParent()
            .resolve("crds")
            .resolve("ray.io_rayjobs.yaml");
    Clients.Result csa =
        clients.kubectl(List.of("apply", "-f", crd.toString()), clients.kubectlValidation());
    assertThat(csa.exitCode()).as(csa.toString()).isNotZero();
    assertThat(csa.stderr())
        .contains("metadata.annotations: Too long: must have at most 262144 bytes");
    ok(
        clients.kubectl(
            List.of("apply", "--server-side", "--force-conflicts", "-f", crd.toString()),
            clients.kubectlValidation()));
    assertThat(ok(clients.kubectl("get", "crd", "rayjobs.ray.io", "-o", "name")).stdout())
        .contains("rayjobs.ray.io");
  }

  @Test
  void createFromAKustomizeDirAndDeleteWithWait() throws IOException {
    Path k = Files.createDirectories(dir.resolve("kustomize"));
    Files.writeString(
        k.resolve("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-kustomize\ndata:\n  x: \"y\"\n");
    Files.writeString(
        k.resolve("kustomization.yaml"),
        "namespace: kustomized\nresources:\n- ns.yaml\n- cm.yaml\n");
    Files.writeString(
        k.resolve("ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kustomized\n");
    assertThat(
            ok(clients.kubectl(List.of("create", "-k", k.toString()), clients.kubectlValidation()))
                .stdout())
        .contains("namespace/kustomized created")
        .contains("configmap/from-kustomize created");
    assertThat(
            ok(clients.kubectl(
                    "get", "cm", "from-kustomize", "-n", "kustomized", "-o", "jsonpath={.data.x}"))
                .stdout())
        .isEqualTo("y");

    ok(clients.kubectl("delete", "-k", k.toString(), "--wait", "--timeout=60s"));
    assertThat(clients.kubectl("get", "namespace", "kustomized").stderr()).contains("not found");
  }

  @Test
  void getInEveryOutputFormat() {
    for (String resource :
        List.of(
            "pods",
            "services",
            "rayclusters",
            "deployments",
            "events",
            "configmaps",
            "namespaces",
            "nodes",
            "secrets",
            "serviceaccounts",
            "customresourcedefinitions")) {
      String all =
          resource.equals("namespaces")
                  || resource.equals("nodes")
                  || resource.equals("customresourcedefinitions")
              ? "--all-namespaces=false"
              : "-A";
      assertThat(ok(clients.kubectl("get", resource, all, "-o", "yaml")).stdout())
          .as(resource)
          .startsWith("apiVersion: v1")
          .contains("items:");
      assertThat(ok(clients.kubectl("get", resource, all, "-o", "json")).stdout())
          .as(resource)
          .contains("\"kind\": \"List\"");
      ok(clients.kubectl("get", resource, all, "-o", "jsonpath={.items[*].metadata.name}"));
      ok(
          clients.kubectl(
              "get",
              resource,
              all,
              "-o",
              "custom-columns=NAME:.metadata.name,CREATED:.metadata.creationTimestamp"));
      ok(clients.kubectl("get", resource, all, "-o", "wide"));
      ok(clients.kubectl("get", resource, all, "-o", "name"));
    }
    assertThat(
            ok(clients.kubectl(
                    "get", "raycluster", "raycluster-kuberay", "-o", "jsonpath={.status.state}"))
                .stdout())
        .isEqualTo("ready");
    assertThat(
            ok(clients.kubectl(
                    "get",
                    "pods",
                    "-o",
                    "custom-columns=NAME:.metadata.name,TYPE:.metadata.labels.ray\\.io/node-type",
                    "--no-headers"))
                .stdout())
        .containsPattern(headPod + "\\s+head");
  }

  @Test
  void upOnAChosenPortForEveryRelease() throws IOException {
    for (KubeRayVersion v : KubeRayVersion.SUPPORTED) {
      int port = freePort();
      Path kubeconfig = dir.resolve("kubeconfig-" + v);
      try (Emulator other =
          Emulator.start(
              UpOptions.defaults()
                  .withKuberay(v)
                  .withPort(port)
                  .withKubeconfig(kubeconfig)
                  .withRay(RayMode.OFF),
              System.out)) {
        assertThat(Files.readString(kubeconfig)).contains("server: https://127.0.0.1:" + port);
        Clients c = Clients.require("KubectlDailyCommandsIT-" + v, kubeconfig, dir);
        assertThat(
                ok(c.kubectl(
                        "get",
                        "raycluster",
                        "raycluster-kuberay",
                        "-o",
                        "jsonpath={.status.state}"))
                    .stdout())
            .isEqualTo("ready");
        assertThat(
                ok(c.kubectl(
                        "get",
                        "deployment",
                        "kuberay-operator",
                        "-n",
                        other.environment().operatorNamespace(),
                        "-o",
                        "jsonpath={.spec.template.spec.containers[0].image}"))
                    .stdout())
            .endsWith(":" + v);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Clients.Result ok(Clients.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }
}
