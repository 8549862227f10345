package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Table's rows carry what {@code includeObject} asks for: {@code kubectl get --sort-by} asks for
 * Object and sorts by the embedded objects (with metadata only, {@code kubectl get events
 * --sort-by=.lastTimestamp} printed "No resources found").
 */
class ServerTablesTest {

  private static final Map<String, Object> EVENTS =
      JsonText.readObject(
          """
          {"kind": "EventList", "apiVersion": "v1", "items": [
            {"metadata": {"name": "e1"}, "reason": "Created", "lastTimestamp": "2026-12-03T03:00:00Z"}]}
          """);

  private static Map<String, Object> firstRow(String includeObject) {
    Map<String, Object> table =
        ServerTables.table(
            EVENTS, ServerTables.columns("", "events", List.of()), Instant.now(), includeObject);
    return Maps.map(Maps.list(table.get("rows")).get(0));
  }

  @Test
  void objectEmbedsTheWholeObjectWithItsKind() {
    assertThat(Maps.map(firstRow("Object").get("object")))
        .containsEntry("kind", "Event")
        .containsEntry("apiVersion", "v1")
        .containsEntry("reason", "Created")
        .containsEntry("lastTimestamp", "2026-12-03T03:00:00Z");
  }

  @Test
  void metadataIsTheDefaultAndNoneEmbedsNothing() {
    assertThat(Maps.map(firstRow(null).get("object")))
        .containsEntry("kind", "PartialObjectMetadata")
        .doesNotContainKey("reason");
    assertThat(Maps.map(firstRow("Metadata").get("object")))
        .containsEntry("kind", "PartialObjectMetadata");
    assertThat(firstRow("None")).doesNotContainKey("object");
  }

  @Test
  void onlyTheThreeValuesAreAccepted() {
    assertThat(ServerTables.validIncludeObject("Object")).isTrue();
    assertThat(ServerTables.validIncludeObject(null)).isTrue();
    assertThat(ServerTables.validIncludeObject("Everything")).isFalse();
  }

  /** The header and first row of a one-object list of {@code kind}, as kubectl prints them. */
  private static List<String> row(String group, String plural, String kind, String json) {
    Map<String, Object> list =
        JsonText.readObject("{\"kind\": \"" + kind + "List\", \"items\": [" + json + "]}");
    Map<String, Object> table =
        ServerTables.table(
            list, ServerTables.columns(group, plural, List.of()), Instant.now(), "None");
    List<String> out = new ArrayList<>();
    for (Object d : Maps.list(table.get("columnDefinitions"))) {
      out.add(String.valueOf(Maps.map(d).get("name")));
    }
    for (Object c : Maps.list(Maps.map(Maps.list(table.get("rows")).get(0)).get("cells"))) {
      out.add(String.valueOf(c));
    }
    return out;
  }

  @Test
  void serviceAccountConfigMapAndSecretColumnsAreKubectls() {
    assertThat(
            row("", "serviceaccounts", "ServiceAccount", "{\"metadata\": {\"name\": \"default\"}}"))
        .startsWith("Name", "Secrets", "Age", "default", "0");
    assertThat(
            row(
                "",
                "configmaps",
                "ConfigMap",
                "{\"metadata\": {\"name\": \"kube-root-ca.crt\"}, \"data\": {\"ca.crt\": \"x\"}}"))
        .startsWith("Name", "Data", "Age", "kube-root-ca.crt", "1");
    assertThat(
            row(
                "",
                "secrets",
                "Secret",
                "{\"metadata\": {\"name\": \"creds\"}, \"type\": \"Opaque\", \"data\": {\"a\": \"eA==\", \"b\": \"eQ==\"}}"))
        .startsWith("Name", "Type", "Data", "Age", "creds", "Opaque", "2");
  }

  @Test
  void workloadAndClaimColumnsAreKubectls() {
    String meta = "\"metadata\": {\"name\": \"redis\"}";
    assertThat(
            row(
                "apps",
                "replicasets",
                "ReplicaSet",
                "{"
                    + meta
                    + ", \"spec\": {\"replicas\": 2}, \"status\": {\"replicas\": 2, \"readyReplicas\": 1}}"))
        .startsWith("Name", "Desired", "Current", "Ready", "Age", "redis", "2", "2", "1");
    assertThat(
            row(
                "apps",
                "statefulsets",
                "StatefulSet",
                "{" + meta + ", \"spec\": {\"replicas\": 1}, \"status\": {\"readyReplicas\": 1}}"))
        .startsWith("Name", "Ready", "Age", "redis", "1/1");
    assertThat(
            row(
                "apps",
                "daemonsets",
                "DaemonSet",
                "{"
                    + meta
                    + ", \"status\": {\"desiredNumberScheduled\": 1, \"currentNumberScheduled\": 1, \"numberReady\": 1}}"))
        .startsWith(
            "Name",
            "Desired",
            "Current",
            "Ready",
            "Up-to-date",
            "Available",
            "Node Selector",
            "Age",
            "redis",
            "1",
            "1",
            "1",
            "0",
            "0",
            "<none>");
    assertThat(
            row(
                "",
                "persistentvolumeclaims",
                "PersistentVolumeClaim",
                "{"
                    + meta
                    + ", \"spec\": {\"volumeName\": \"pvc-1\", \"storageClassName\": \"local-path\"},"
                    + " \"status\": {\"phase\": \"Bound\", \"capacity\": {\"storage\": \"8Gi\"}, \"accessModes\": [\"ReadWriteOnce\"]}}"))
        .startsWith(
            "Name",
            "Status",
            "Volume",
            "Capacity",
            "Access Modes",
            "StorageClass",
            "VolumeAttributesClass",
            "Age",
            "redis",
            "Bound",
            "pvc-1",
            "8Gi",
            "RWO",
            "local-path",
            "<unset>");
  }

  /** KubeRay's ray-cluster.separate-ingress.yaml: kubectl printed only NAME and AGE. */
  @Test
  void ingressColumnsAreKubeApiserversPrintIngress() {
    String rule =
        "{\"http\": {\"paths\": [{\"path\": \"/raycluster-ingress/(.*)\", \"backend\":"
            + " {\"service\": {\"name\": \"raycluster-ingress-head-svc\", \"port\": {\"number\": 8265}}}}]}}";
    assertThat(
            row(
                "networking.k8s.io",
                "ingresses",
                "Ingress",
                "{\"metadata\": {\"name\": \"raycluster-ingress-head-ingress\"}, \"spec\":"
                    + " {\"ingressClassName\": \"nginx\", \"rules\": ["
                    + rule
                    + "]}}"))
        .startsWith(
            "Name",
            "Class",
            "Hosts",
            "Address",
            "Ports",
            "Age",
            "raycluster-ingress-head-ingress",
            "nginx",
            "*",
            "",
            "80");
    assertThat(
            row(
                "networking.k8s.io",
                "ingresses",
                "Ingress",
                "{\"metadata\": {\"name\": \"i\"}, \"spec\": {\"tls\": [{\"hosts\": [\"a\"]}],"
                    + " \"rules\": [{\"host\": \"a\"}, {\"host\": \"b\"}, {}, {\"host\": \"c\"},"
                    + " {\"host\": \"d\"}]}, \"status\": {\"loadBalancer\": {\"ingress\":"
                    + " [{\"ip\": \"10.0.0.2\"}, {\"hostname\": \"lb.example\"}]}}}"))
        .startsWith(
            "Name",
            "Class",
            "Hosts",
            "Address",
            "Ports",
            "Age",
            "i",
            "<none>",
            "a,b,c + 2 more...",
            "10.0.0.2,lb.example",
            "80, 443");
  }
}
