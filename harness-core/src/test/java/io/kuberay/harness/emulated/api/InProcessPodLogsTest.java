package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuberay.harness.emulated.support.LogSelection;
import io.kuberay.harness.emulated.support.QueryString;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The environment's own client reads {@code pods/log} with the options kubectl has: {@code
 * previous}, {@code tailLines}, {@code limitBytes}, {@code container} (a user's {@code
 * terminated().getLog()} once read the current instance, as the in-process path dropped them).
 */
class InProcessPodLogsTest {

  private final EmulatedApiServer api = new EmulatedApiServer().start("http://127.0.0.1:1");
  private final KubernetesClient client = api.client();

  @AfterEach
  void close() {
    api.close();
  }

  /** A node with two instances of {@code main} (the first crashed) and a sidecar. */
  private void node() {
    api.dispatcher()
        .podEndpoints(
            new ApiDispatcher.PodEndpoints() {
              @Override
              public Optional<String> logs(String namespace, String pod, QueryString query) {
                String container = query.first("container");
                if ("missing".equals(container)) {
                  throw new IllegalArgumentException(
                      "container missing is not valid for pod " + pod);
                }
                String log =
                    "side".equals(container)
                        ? "sidecar\n"
                        : query.flag("previous") ? "one\ntwo\ncrashed\n" : "three\nfour\n";
                return Optional.of(LogSelection.select(log, query));
              }

              @Override
              public Optional<MockResponse> stream(RecordedRequest request, ApiPath path) {
                return Optional.empty();
              }
            });
    client
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  @Test
  void previousTailAndLimitReachTheNode() {
    node();
    PodResource pod = client.pods().inNamespace("default").withName("p");

    assertThat(pod.getLog()).isEqualTo("three\nfour\n");
    assertThat(pod.terminated().getLog()).isEqualTo("one\ntwo\ncrashed\n");
    assertThat(pod.tailingLines(1).getLog()).isEqualTo("four\n");
    assertThat(pod.terminated().tailingLines(2).getLog()).isEqualTo("two\ncrashed\n");
    assertThat(pod.limitBytes(3).getLog()).isEqualTo("thr");
    assertThat(pod.inContainer("side").getLog()).isEqualTo("sidecar\n");
  }

  @Test
  void whatTheKubeletRefusesIsA400WithItsMessage() {
    node();
    assertThatThrownBy(
            () ->
                client.pods().inNamespace("default").withName("p").inContainer("missing").getLog())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("container missing is not valid for pod p")
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(400));
  }
}
