package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.support.Maps;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Job created without {@code manualSelector} gets the selector and template labels kube-apiserver
 * generates from its new uid; without them {@code kubectl logs job/<name>} selected every pod of
 * the namespace and printed another pod's log.
 */
class JobSelectorTest {

  private static final String JOBS = "/apis/batch/v1/namespaces/default/jobs";

  private final ApiDispatcher api =
      new ApiDispatcher(new ObjectStore(), EmulatedApiServer.KUBERNETES_VERSION);

  @BeforeEach
  void namespace() {
    api.create(
        "/api/v1/namespaces",
        Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "default")));
  }

  private static String job(String name, String specExtra, String templateLabels) {
    return """
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "%s"},
         "spec": {%s "template": {"metadata": {"labels": {%s}},
           "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}
        """
        .formatted(name, specExtra, templateLabels);
  }

  private Map<String, Object> created(String json) {
    MockResponse r = api.create(JOBS, JsonText.readObject(json));
    String body = r.getBody().readUtf8();
    assertThat(r.code()).as(body).isEqualTo(201);
    return JsonText.readObject(body);
  }

  @Test
  void theSelectorAndTemplateLabelsNameTheNewUidAndTheJobsName() {
    Map<String, Object> job = created(job("submitter", "", "\"app\": \"x\""));

    String uid = String.valueOf(Maps.get(job, "metadata", "uid"));
    assertThat(uid).matches("[0-9a-f-]{36}");
    assertThat(Maps.map(Maps.get(job, "spec", "selector")))
        .isEqualTo(Map.of("matchLabels", Map.of("batch.kubernetes.io/controller-uid", uid)));
    assertThat(Maps.map(Maps.get(job, "spec", "template", "metadata", "labels")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app", "x",
                "job-name", "submitter",
                "batch.kubernetes.io/job-name", "submitter",
                "controller-uid", uid,
                "batch.kubernetes.io/controller-uid", uid));
  }

  @Test
  void aManualSelectorIsLeftAsWritten() {
    Map<String, Object> job =
        created(
            job(
                "manual",
                "\"manualSelector\": true, \"selector\": {\"matchLabels\": {\"app\": \"m\"}},",
                "\"app\": \"m\""));

    assertThat(Maps.map(Maps.get(job, "spec", "selector")))
        .isEqualTo(Map.of("matchLabels", Map.of("app", "m")));
    assertThat(Maps.map(Maps.get(job, "spec", "template", "metadata", "labels")))
        .isEqualTo(Map.of("app", "m"));
  }

  @Test
  void aDryRunCreateShowsTheSelectorOfTheUidItReports() {
    MockResponse r = api.create(JOBS + "?dryRun=All", JsonText.readObject(job("dry", "", "")));
    Map<String, Object> job = JsonText.readObject(r.getBody().readUtf8());

    assertThat(r.code()).isEqualTo(201);
    assertThat(
            Maps.get(job, "spec", "selector", "matchLabels", "batch.kubernetes.io/controller-uid"))
        .isEqualTo(Maps.get(job, "metadata", "uid"));
  }
}
