package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import io.kuberay.harness.ray.RayJobsException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * KubeRay v1.7.0's {@code authOptions: {mode: token, enableK8sTokenAuth: true}} on the emulated
 * backend with real Ray 2.55: no Secret; every Ray component and client sends its pod's projected
 * service-account token and Ray asks the API server (TokenReview, then SubjectAccessReview for
 * {@code ray:write} on the RayCluster). The RBAC is the user's, as in KubeRay's sample: the pods'
 * service account may review tokens and write the cluster. The worker joins (its raylet's token is
 * checked by the head's GCS), a driver in the head runs, and the dashboard answers 401 without a
 * token, 403 for an identity without {@code ray:write}, and runs a job for the head's account.
 */
class K8sTokenAuthIT {

  private static final Duration WAIT = Duration.ofMinutes(4);
  private static final String RAY = "2.55.0";
  private static KubeRayEnvironment env;
  private static String ns;
  private static RayClusterHandle cluster;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.7.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
    ns = env.createNamespace("k8s-auth");
    env.client()
        .load(new ByteArrayInputStream(rbac().getBytes(StandardCharsets.UTF_8)))
        .inNamespace(ns)
        .create();
    env.client()
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("outsider")
                .endMetadata()
                .build())
        .create();
    cluster = env.rayClusters().inNamespace(ns).createFromYaml(rayCluster());
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /** What KubeRay's ray-cluster.kubernetes.auth.yaml sample asks of the user, in {@code ns}. */
  private static String rbac() {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: ServiceAccount",
        "metadata: {name: ray-cluster}",
        "---",
        "apiVersion: rbac.authorization.k8s.io/v1",
        "kind: ClusterRole",
        "metadata: {name: ray-authenticator-" + ns + "}",
        "rules:",
        "- apiGroups: [authentication.k8s.io]",
        "  resources: [tokenreviews]",
        "  verbs: [create]",
        "- apiGroups: [authorization.k8s.io]",
        "  resources: [subjectaccessreviews]",
        "  verbs: [create]",
        "---",
        "apiVersion: rbac.authorization.k8s.io/v1",
        "kind: ClusterRoleBinding",
        "metadata: {name: ray-authenticator-" + ns + "}",
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ray-authenticator-"
            + ns
            + "}",
        "subjects: [{kind: ServiceAccount, name: ray-cluster, namespace: " + ns + "}]",
        "---",
        "apiVersion: rbac.authorization.k8s.io/v1",
        "kind: Role",
        "metadata: {name: ray-writer}",
        "rules:",
        "- apiGroups: [ray.io]",
        "  resources: [rayclusters]",
        "  verbs: ['ray:write']",
        "---",
        "apiVersion: rbac.authorization.k8s.io/v1",
        "kind: RoleBinding",
        "metadata: {name: ray-writer}",
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ray-writer}",
        "subjects: [{kind: ServiceAccount, name: ray-cluster, namespace: " + ns + "}]",
        "");
  }

  private static String rayCluster() {
    String pod =
        "        serviceAccountName: ray-cluster\n"
            + "        containers:\n"
            + "        - name: %s\n"
            + "          image: rayproject/ray:"
            + RAY
            + "\n"
            + "          resources: {limits: {cpu: '1', memory: 2Gi}, requests: {cpu: '1', memory: 2Gi}}\n";
    return "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: k8s-auth\nspec:\n"
        + "  rayVersion: '"
        + RAY
        + "'\n"
        + "  authOptions: {mode: token, enableK8sTokenAuth: true}\n"
        + "  headGroupSpec:\n    rayStartParams: {}\n    template:\n      spec:\n"
        + pod.formatted("ray-head")
        + "  workerGroupSpecs:\n  - groupName: cpu\n    replicas: 1\n    minReplicas: 1\n"
        + "    maxReplicas: 1\n    rayStartParams: {}\n    template:\n      spec:\n"
        + pod.formatted("ray-worker");
  }

  @Test
  @DisplayName(
      "the worker joins and a driver in the head runs: Ray's components pass each other's K8s tokens")
  void theClusterWorksWithKubernetesCheckedTokens() {
    cluster.awaitReady(WAIT);
    cluster.awaitWorkerPods("cpu", 1, WAIT);
    assertThat(env.client().secrets().inNamespace(ns).withName("k8s-auth").get())
        .as("no token Secret with enableK8sTokenAuth")
        .isNull();
    assertThat(cluster.headPod().get().getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName)
        .contains("RAY_AUTH_MODE", "RAY_ENABLE_K8S_TOKEN_AUTH")
        .doesNotContain("RAY_AUTH_TOKEN");
    assertThat(
            cluster
                .headPod()
                .execShell("cat /var/run/secrets/ray.io/serviceaccount/token")
                .stdout())
        .as("the projected ray-token volume")
        .isNotBlank();
    ExecResult driver =
        cluster
            .headPod()
            .exec(
                "python",
                "-c",
                "import ray, time; ray.init()\n"
                    + "deadline = time.time() + 60\n"
                    + "while len([n for n in ray.nodes() if n['Alive']]) < 2 and time.time() < deadline: time.sleep(1)\n"
                    + "print('nodes', len([n for n in ray.nodes() if n['Alive']]), ray.cluster_resources()['CPU'])");
    assertThat(driver.exitCode()).as(driver.toString()).isZero();
    assertThat(driver.stdout()).contains("nodes 2 2.0");
    assertThat(driver.stderr())
        .as("Ray reads the token's expiry: a JWT, as kube-apiserver issues")
        .doesNotContain("Invalid JWT token format");
  }

  @Test
  @DisplayName(
      "the dashboard: 401 without a token, 403 for an account without ray:write, a job for the head's")
  void theDashboardAsksKubernetesAboutEveryToken() {
    cluster.awaitReady(WAIT);
    RayJobsClient anonymous = RayJobsClient.connect(cluster.dashboardUrl());
    assertThatThrownBy(anonymous::list)
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(401));
    String outsider =
        env.client()
            .serviceAccounts()
            .inNamespace(ns)
            .withName("outsider")
            .tokenRequest(new TokenRequestBuilder().withNewSpec().endSpec().build())
            .getStatus()
            .getToken();
    assertThatThrownBy(() -> anonymous.withAuthToken(outsider).list())
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(403));
    assertThatThrownBy(() -> anonymous.withAuthToken("not-a-kubernetes-token").list())
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(403));

    RayJobsClient jobs = cluster.jobsClient();
    String id =
        jobs.submit(
            JobSubmission.entrypoint(
                "python -c \"import ray; ray.init(); print('k8s-authenticated', ray.cluster_resources()['CPU'])\""));
    jobs.awaitStatus(id, JobStatus.SUCCEEDED, WAIT);
    assertThat(jobs.logs(id)).contains("k8s-authenticated");
  }
}
