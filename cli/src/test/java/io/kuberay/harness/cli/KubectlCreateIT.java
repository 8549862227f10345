package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.RayMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * kubectl's typed create subcommands against {@code up}: they send their objects in protobuf, and
 * what {@code kubectl get -o json} shows afterwards is what the command was given.
 */
class KubectlCreateIT {

  @TempDir static Path dir;
  private static Clients clients;
  private static Emulator emulator;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @BeforeAll
  static void up() {
    ReleaseData.require();
    clients = Clients.require("KubectlCreateIT", dir.resolve("kubeconfig"), dir);
    emulator =
        Emulator.start(
            UpOptions.defaults().withKubeconfig(dir.resolve("kubeconfig")).withRay(RayMode.OFF),
            System.out);
  }

  @AfterAll
  static void down() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void serviceAccountRbacAndToken() {
    create("serviceaccount", "robot");
    assertThat(get("serviceaccount", "robot")).containsKey("metadata");
    create("role", "pod-reader", "--verb=get,list", "--resource=pods", "--resource-name=a");
    assertThat(get("role", "pod-reader").get("rules"))
        .isEqualTo(
            List.of(
                Map.of(
                    "verbs",
                    List.of("get", "list"),
                    "apiGroups",
                    List.of(""),
                    "resources",
                    List.of("pods"),
                    "resourceNames",
                    List.of("a"))));
    create("clusterrole", "deploy-reader", "--verb=get", "--resource=deployments.apps");
    assertThat(get("clusterrole", "deploy-reader").get("rules"))
        .isEqualTo(
            List.of(
                Map.of(
                    "verbs",
                    List.of("get"),
                    "apiGroups",
                    List.of("apps"),
                    "resources",
                    List.of("deployments"))));
    create(
        "rolebinding",
        "robot-reads",
        "--role=pod-reader",
        "--serviceaccount=default:robot",
        "--user=alice");
    Map<String, Object> binding = get("rolebinding", "robot-reads");
    assertThat(binding.get("roleRef"))
        .isEqualTo(
            Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", "pod-reader"));
    assertThat(binding.get("subjects"))
        .isEqualTo(
            List.of(
                Map.of("kind", "User", "apiGroup", "rbac.authorization.k8s.io", "name", "alice"),
                Map.of("kind", "ServiceAccount", "name", "robot", "namespace", "default")));
    create("clusterrolebinding", "devs-read", "--clusterrole=deploy-reader", "--group=devs");
    assertThat(get("clusterrolebinding", "devs-read").get("subjects"))
        .isEqualTo(
            List.of(
                Map.of("kind", "Group", "apiGroup", "rbac.authorization.k8s.io", "name", "devs")));

    String token =
        ok(clients.kubectl("create", "token", "robot", "--duration=10m")).stdout().trim();
    assertThat(token).isNotBlank();
    // The Role names pod a only: getting it is allowed (it does not exist), listing pods is not.
    String asRobot = "--token=" + token;
    assertThat(clients.kubectl("auth", "can-i", "get", "pods/a", asRobot).stdout().trim())
        .isEqualTo("yes");
    assertThat(clients.kubectl("auth", "can-i", "list", "pods", asRobot).stdout().trim())
        .isEqualTo("no");
    Clients.Result list = clients.kubectl("get", "pods", asRobot);
    assertThat(list.stderr())
        .as(list.toString())
        .contains("User \"system:serviceaccount:default:robot\" cannot list resource \"pods\"");
  }

  @Test
  void workloads() {
    create("deployment", "web", "--image=nginx:1.27", "--replicas=3", "--port=8080");
    Map<String, Object> deployment = get("deployment", "web");
    assertThat(map(deployment, "spec")).containsEntry("replicas", 3);
    Map<String, Object> container = first(map(map(map(deployment, "spec"), "template"), "spec"));
    assertThat(container)
        .containsEntry("name", "nginx")
        .containsEntry("image", "nginx:1.27")
        // The API server defaults a port's protocol, as it does for a pod's containers.
        .containsEntry("ports", List.of(Map.of("containerPort", 8080, "protocol", "TCP")));

    create("job", "once", "--image=busybox", "--", "echo", "hi");
    Map<String, Object> job = get("job", "once");
    assertThat(first(map(map(map(job, "spec"), "template"), "spec")))
        .containsEntry("command", List.of("echo", "hi"));
    assertThat(map(map(map(job, "spec"), "template"), "spec"))
        .containsEntry("restartPolicy", "Never");

    create("cronjob", "nightly", "--image=busybox", "--schedule=*/5 * * * *", "--", "date");
    assertThat(map(get("cronjob", "nightly"), "spec")).containsEntry("schedule", "*/5 * * * *");
  }

  @Test
  void servicesConfigAndNamespaces() {
    create("service", "clusterip", "web-svc", "--tcp=80:8080");
    Map<String, Object> service = get("service", "web-svc");
    assertThat(map(service, "spec")).containsEntry("type", "ClusterIP");
    assertThat(first(map(service, "spec"), "ports"))
        .containsEntry("port", 80)
        .containsEntry("targetPort", 8080)
        .containsEntry("protocol", "TCP");

    create("secret", "generic", "creds", "--from-literal=user=admin");
    assertThat(get("secret", "creds")).containsEntry("data", Map.of("user", "YWRtaW4="));
    create("configmap", "settings", "--from-literal=mode=fast");
    assertThat(get("configmap", "settings")).containsEntry("data", Map.of("mode", "fast"));
    create("namespace", "team-a");
    assertThat(map(get("namespace", "team-a"), "metadata")).containsEntry("name", "team-a");
    create("ingress", "web-ing", "--rule=example.com/path*=web-svc:80");
    assertThat(first(map(get("ingress", "web-ing"), "spec"), "rules"))
        .containsEntry("host", "example.com");
  }

  @Test
  void runExposeAndLabel() {
    ok(
        clients.kubectl(
            "run", "shell", "--image=busybox", "--labels=app=shell", "--", "sleep", "60"));
    assertThat(map(get("pod", "shell"), "metadata"))
        .containsEntry("labels", Map.of("app", "shell"));
    ok(clients.kubectl("label", "pod", "shell", "tier=debug"));
    assertThat(map(get("pod", "shell"), "metadata"))
        .containsEntry("labels", Map.of("app", "shell", "tier", "debug"));
    ok(clients.kubectl("expose", "pod", "shell", "--port=80", "--name=shell-svc"));
    assertThat(map(get("service", "shell-svc"), "spec"))
        .containsEntry("selector", Map.of("app", "shell", "tier", "debug"));
  }

  @Test
  void namespacesHaveTheirServiceAccountAndCaAndPodsNeedTheirAccount() {
    create("namespace", "sa-check");
    Clients.Result objects = ok(clients.kubectl("get", "sa,cm", "-n", "sa-check"));
    assertThat(objects.stdout())
        .as(objects.toString())
        .containsPattern("(?m)^serviceaccount/default\\s+0\\s+\\S+$")
        .containsPattern("(?m)^configmap/kube-root-ca.crt\\s+1\\s+\\S+$");

    Clients.Result refused =
        clients.kubectl(
            "run",
            "lost",
            "-n",
            "sa-check",
            "--image=busybox",
            "--overrides={\"spec\": {\"serviceAccountName\": \"nobody\"}}");
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.stderr())
        .as(refused.toString())
        .contains(
            "Error from server (Forbidden): pods \"lost\" is forbidden: error looking up service account sa-check/nobody: serviceaccount \"nobody\" not found");

    ok(clients.kubectl("run", "found", "-n", "sa-check", "--image=busybox"));
    Map<String, Object> spec = map(getIn("sa-check", "pod", "found"), "spec");
    assertThat(spec).containsEntry("serviceAccountName", "default");
    assertThat(String.valueOf(spec.get("volumes"))).contains("kube-api-access-");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> getIn(String namespace, String kind, String name) {
    return JSON.readValue(
        ok(clients.kubectl("get", kind, name, "-n", namespace, "-o", "json")).stdout(), Map.class);
  }

  private static void create(String... args) {
    List<String> command = new ArrayList<>(List.of("create"));
    command.addAll(List.of(args));
    ok(clients.kubectl(command.toArray(String[]::new)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> get(String kind, String name) {
    return JSON.readValue(ok(clients.kubectl("get", kind, name, "-o", "json")).stdout(), Map.class);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> object, String key) {
    return (Map<String, Object>) object.get(key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> first(Map<String, Object> object, String listKey) {
    return (Map<String, Object>) ((List<Object>) object.get(listKey)).get(0);
  }

  private static Map<String, Object> first(Map<String, Object> podSpec) {
    return first(podSpec, "containers");
  }

  private static Clients.Result ok(Clients.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }
}
