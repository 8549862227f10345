package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.support.Maps;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  @Test
  void podContainerPortsGetTheirProtocol() {
    Map<String, Object> pod =
        JsonText.readObject(
            """
            {"spec": {"containers": [{"name": "c", "image": "nginx:1.27",
              "ports": [{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}]}]}}
            """);

    Admission.defaultPod(pod);

    assertThat(Maps.get(pod, "spec", "containers"))
        .asList()
        .first()
        .extracting(c -> Maps.map(c).get("ports"))
        .asList()
        .extracting(p -> Maps.map(p).get("protocol"))
        .containsExactly("TCP", "UDP");
  }

  @Test
  void projectedVolumesGetTheirModeAndTokensTheirLifetime() {
    Map<String, Object> pod =
        JsonText.readObject(
            """
            {"spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], "volumes": [
              {"name": "ray-token", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}},
              {"name": "kept", "projected": {"defaultMode": 256,
                "sources": [{"serviceAccountToken": {"path": "t", "expirationSeconds": 600}}]}}]}}
            """);

    Admission.defaultPod(pod);

    List<Object> volumes = Maps.list(Maps.get(pod, "spec", "volumes"));
    Map<String, Object> rayToken = Maps.map(Maps.map(volumes.get(0)).get("projected"));
    assertThat(rayToken).containsEntry("defaultMode", 420);
    assertThat(Maps.get(Maps.map(Maps.list(rayToken.get("sources")).get(0)), "serviceAccountToken"))
        .isEqualTo(Map.of("path", "token", "expirationSeconds", 3600));
    Map<String, Object> kept = Maps.map(Maps.map(volumes.get(1)).get("projected"));
    assertThat(kept).containsEntry("defaultMode", 256);
    assertThat(Maps.get(Maps.map(Maps.list(kept.get("sources")).get(0)), "serviceAccountToken"))
        .isEqualTo(Map.of("path", "t", "expirationSeconds", 600));
  }

  /**
   * pkg/apis/core/v1/defaults.go: SetDefaults_ConfigMapVolumeSource, _SecretVolumeSource,
   * _DownwardAPIVolumeSource and _ProjectedVolumeSource default {@code defaultMode} to 0644 (420);
   * SetDefaults_Volume makes a source-less volume an emptyDir, SetDefaults_HostPathVolumeSource the
   * type "", SetDefaults_ObjectFieldSelector a fieldRef's apiVersion v1. An item's {@code mode} has
   * no default. k3s showed {@code defaultMode: 420} on the configMap volume of KubeRay's
   * ray-job.sample head pod, the emulator nothing.
   */
  @Test
  void volumesGetTheSchemesDefaultsInPodsAndWorkloadTemplates() {
    String volumes =
        """
        "volumes": [
          {"name": "code", "configMap": {"name": "ray-job-code-sample",
            "items": [{"key": "sample_code.py", "path": "sample_code.py"}]}},
          {"name": "cert", "secret": {"secretName": "tls"}},
          {"name": "own", "configMap": {"name": "x", "defaultMode": 493}},
          {"name": "info", "downwardAPI": {"items": [
            {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}},
          {"name": "bundle", "projected": {"sources": [{"configMap": {"name": "x"}},
            {"downwardAPI": {"items": [{"path": "ns", "fieldRef": {"fieldPath": "metadata.namespace"}}]}}]}},
          {"name": "logs", "hostPath": {"path": "/tmp/ray"}},
          {"name": "scratch"}]
        """;
    String container =
        """
        "containers": [{"name": "c", "image": "nginx:1.27",
          "env": [{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}]
        """;
    Map<String, Object> pod =
        JsonText.readObject("{\"spec\": {" + container + ", " + volumes + "}}");
    Map<String, Object> job =
        JsonText.readObject(
            "{\"spec\": {\"template\": {\"spec\": {" + container + ", " + volumes + "}}}}");

    Admission.defaultPod(pod);
    Admission.defaultWorkload("Job", job);

    for (Map<String, Object> spec :
        List.of(Maps.map(pod.get("spec")), Maps.map(Maps.get(job, "spec", "template", "spec")))) {
      Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
      Maps.list(spec.get("volumes"))
          .forEach(v -> byName.put((String) Maps.map(v).get("name"), Maps.map(v)));
      assertThat(Maps.get(byName.get("code"), "configMap", "defaultMode")).isEqualTo(420);
      assertThat(Maps.list(Maps.get(byName.get("code"), "configMap", "items")))
          .singleElement()
          .satisfies(item -> assertThat(Maps.map(item)).doesNotContainKey("mode"));
      assertThat(Maps.get(byName.get("cert"), "secret", "defaultMode")).isEqualTo(420);
      assertThat(Maps.get(byName.get("own"), "configMap", "defaultMode")).isEqualTo(493);
      assertThat(Maps.get(byName.get("info"), "downwardAPI", "defaultMode")).isEqualTo(420);
      assertThat(
              Maps.get(
                  Maps.map(Maps.list(Maps.get(byName.get("info"), "downwardAPI", "items")).get(0)),
                  "fieldRef"))
          .isEqualTo(Map.of("fieldPath", "metadata.labels", "apiVersion", "v1"));
      Map<String, Object> bundle = Maps.map(byName.get("bundle").get("projected"));
      assertThat(bundle).containsEntry("defaultMode", 420);
      List<Object> sources = Maps.list(bundle.get("sources"));
      assertThat(Maps.map(Maps.map(sources.get(0)).get("configMap")))
          .doesNotContainKey("defaultMode");
      assertThat(
              Maps.get(
                  Maps.map(
                      Maps.list(Maps.get(Maps.map(sources.get(1)), "downwardAPI", "items")).get(0)),
                  "fieldRef",
                  "apiVersion"))
          .isEqualTo("v1");
      assertThat(Maps.get(byName.get("logs"), "hostPath"))
          .isEqualTo(Map.of("path", "/tmp/ray", "type", ""));
      assertThat(byName.get("scratch")).containsEntry("emptyDir", Map.of());
      assertThat(
              Maps.get(
                  Maps.map(
                      Maps.list(Maps.map(Maps.list(spec.get("containers")).get(0)).get("env"))
                          .get(0)),
                  "valueFrom",
                  "fieldRef",
                  "apiVersion"))
          .isEqualTo("v1");
    }
  }

  @Test
  void aDeploymentsTemplateGetsTheSchemeDefaultsButNotThePodAdmissionOnes() {
    Map<String, Object> deployment =
        JsonText.readObject(
            """
            {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx",
              "ports": [{"containerPort": 8080}]}]}}}}
            """);

    Admission.defaultWorkload("Deployment", deployment);

    Map<String, Object> podSpec = Maps.map(Maps.get(deployment, "spec", "template", "spec"));
    assertThat(podSpec)
        .containsEntry("restartPolicy", "Always")
        .containsEntry("dnsPolicy", "ClusterFirst")
        .containsEntry("schedulerName", "default-scheduler")
        .containsEntry("terminationGracePeriodSeconds", 30)
        .doesNotContainKeys("serviceAccountName", "tolerations", "priority");
    Map<String, Object> container = Maps.map(Maps.list(podSpec.get("containers")).get(0));
    assertThat(container)
        .containsEntry("imagePullPolicy", "Always")
        .containsEntry("terminationMessagePath", "/dev/termination-log");
    assertThat(Maps.map(Maps.list(container.get("ports")).get(0))).containsEntry("protocol", "TCP");
  }

  @Test
  void aCronJobsTemplateIsFoundUnderItsJobTemplate() {
    Map<String, Object> cronJob =
        JsonText.readObject(
            """
            {"spec": {"jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure",
              "containers": [{"name": "job", "image": "busybox:1.36"}]}}}}}}
            """);

    Admission.defaultWorkload("CronJob", cronJob);

    Map<String, Object> podSpec =
        Maps.map(Maps.get(cronJob, "spec", "jobTemplate", "spec", "template", "spec"));
    assertThat(podSpec).containsEntry("restartPolicy", "OnFailure");
    assertThat(Maps.map(Maps.list(podSpec.get("containers")).get(0)))
        .containsEntry("imagePullPolicy", "IfNotPresent");
    assertThat(Admission.isWorkload("batch", "CronJob")).isTrue();
    assertThat(Admission.isWorkload("", "Pod")).isFalse();
  }

  @Test
  void aJobGetsBatchDefaultsAndAWorkQueueJobKeepsNoCompletions() {
    Map<String, Object> job = JsonText.readObject("{\"spec\": {\"template\": {\"spec\": {}}}}");
    Map<String, Object> workQueue =
        JsonText.readObject("{\"spec\": {\"parallelism\": 3, \"template\": {\"spec\": {}}}}");

    Admission.defaultWorkload("Job", job);
    Admission.defaultWorkload("Job", workQueue);

    assertThat(Maps.map(job.get("spec")))
        .containsEntry("completions", 1)
        .containsEntry("parallelism", 1)
        .containsEntry("backoffLimit", 6)
        .containsEntry("completionMode", "NonIndexed")
        .containsEntry("suspend", false)
        .containsEntry("manualSelector", false)
        .containsEntry("podReplacementPolicy", "TerminatingOrFailed");
    assertThat(Maps.map(workQueue.get("spec")))
        .containsEntry("parallelism", 3)
        .doesNotContainKey("completions");
  }

  @Test
  void aDeploymentGetsItsRolloutDefaults() {
    Map<String, Object> deployment =
        JsonText.readObject("{\"spec\": {\"template\": {\"spec\": {}}}}");

    Admission.defaultWorkload("Deployment", deployment);

    assertThat(Maps.map(deployment.get("spec")))
        .containsEntry("replicas", 1)
        .containsEntry("revisionHistoryLimit", 10)
        .containsEntry("progressDeadlineSeconds", 600);
    assertThat(Maps.get(deployment, "spec", "strategy", "rollingUpdate"))
        .isEqualTo(Map.of("maxUnavailable", "25%", "maxSurge", "25%"));
  }

  @Test
  void aSecretsWrappedBase64IsUnwrappedAndItsStringDataMergedAsGoDecodesIt() {
    // ray-cluster.tls.yaml's ca.crt is `cat ca.crt | base64`: wrapped at 76 columns.
    Map<String, Object> secret =
        JsonText.readObject(
            """
            {"kind": "Secret", "data": {"ca.crt": "aGVsbG8g\\nd29ybGQ=\\n", "a": "YQ=="},
             "stringData": {"a": "from stringData", "password": "5241590000000000"}}
            """);

    assertThat(Admission.normalizeBinaryData("Secret", secret)).isEmpty();

    assertThat(secret).doesNotContainKey("stringData");
    assertThat(Maps.map(secret.get("data")))
        .containsEntry("ca.crt", "aGVsbG8gd29ybGQ=")
        .containsEntry("a", "ZnJvbSBzdHJpbmdEYXRh")
        .containsEntry("password", "NTI0MTU5MDAwMDAwMDAwMA==");
  }

  @Test
  void aSecretValueThatIsNotBase64IsRefusedAsTheApiServerDoes() {
    Map<String, Object> secret =
        JsonText.readObject(
            """
            {"kind": "Secret", "data": {"password": "not base64!"}}
            """);

    assertThat(Admission.normalizeBinaryData("Secret", secret))
        .hasValue(
            "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input"
                + " byte 3");
  }

  @Test
  void aConfigMapsBinaryDataIsUnwrappedAndItsDataLeftAlone() {
    Map<String, Object> cm =
        JsonText.readObject(
            """
            {"kind": "ConfigMap", "data": {"x": "a\\nb"}, "binaryData": {"b": "YW\\nJj"}}
            """);

    assertThat(Admission.normalizeBinaryData("ConfigMap", cm)).isEmpty();

    assertThat(Maps.map(cm.get("binaryData"))).containsEntry("b", "YWJj");
    assertThat(Maps.map(cm.get("data"))).containsEntry("x", "a\nb");
  }

  @Test
  void aNodePortServiceGetsANodePortPerPortAsKubeApiserverAllocatesThem() {
    // ray-cluster.separate-ingress.yaml: headGroupSpec.serviceType NodePort.
    Map<String, Object> service =
        JsonText.readObject(
            """
            {"spec": {"type": "NodePort", "ports": [{"name": "dashboard", "port": 8265},
              {"name": "client", "port": 10001, "nodePort": 30001}]}}
            """);
    Iterator<Integer> free = List.of(31234, 31235).iterator();

    Admission.defaultService(service, () -> "10.43.0.20", free::next);

    Map<String, Object> spec = Maps.map(service.get("spec"));
    assertThat(spec).containsEntry("externalTrafficPolicy", "Cluster");
    assertThat(Maps.list(spec.get("ports")))
        .extracting(p -> Maps.map(p).get("nodePort"))
        .containsExactly(31234, 30001);
  }

  @Test
  void aClusterIpServiceGetsNoNodePort() {
    Map<String, Object> service =
        JsonText.readObject(
            """
            {"spec": {"ports": [{"name": "dashboard", "port": 8265}]}}
            """);

    Admission.defaultService(service, () -> "10.43.0.21", () -> 31000);

    assertThat(Maps.map(Maps.list(Maps.get(service, "spec", "ports")).get(0)))
        .doesNotContainKey("nodePort");
    assertThat(Maps.map(service.get("spec"))).doesNotContainKey("externalTrafficPolicy");
  }
}
