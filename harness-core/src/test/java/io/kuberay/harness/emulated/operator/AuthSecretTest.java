package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The controller's {@code reconcileAuthSecret} against the emulated API server, and the token the
 * operator's dashboard client then reads ({@code GetRayDashboardClientFunc}).
 */
class AuthSecretTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOKEN_SPEC = "  rayVersion: '2.52.0'\n  authOptions: {mode: token}\n";

  private RayClusterControllerFixture fixture;
  private final OperatorFlavor flavor = UpstreamSpecs.flavor("v1.7.0");

  private KubernetesClient start() {
    fixture = RayClusterControllerFixture.start(flavor);
    return fixture.client();
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  @DisplayName(
      "the Secret is created once, kept on later reconciles, and is the token the dashboard client sends")
  void secretCreatedOnceAndReadByTheDashboardClient() {
    KubernetesClient client = start();
    GenericKubernetesResource cluster = create(client, TOKEN_SPEC);
    Secret secret =
        Awaitility.await("Secret default/raycluster-sample of reconcileAuthSecret")
            .atMost(WAIT)
            .until(
                () -> client.secrets().inNamespace("default").withName("raycluster-sample").get(),
                s -> s != null);
    String token =
        new String(
            Base64.getDecoder().decode(secret.getData().get("auth_token")), StandardCharsets.UTF_8);
    assertThat(Base64.getDecoder().decode(token)).hasSize(32);
    assertThat(TokenAuth.dashboardToken(client, flavor, cluster)).contains(token);

    // A later reconcile (a spec change) leaves the token as it is.
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .withName("raycluster-sample")
        .edit(
            c -> {
              c.getMetadata().setLabels(Map.of("touched", "yes"));
              return c;
            });
    Awaitility.await("head pod of raycluster-sample")
        .atMost(WAIT)
        .until(() -> !client.pods().inNamespace("default").list().getItems().isEmpty());
    assertThat(client.secrets().inNamespace("default").withName("raycluster-sample").get())
        .extracting(s -> s.getData().get("auth_token"))
        .isEqualTo(secret.getData().get("auth_token"));
  }

  @Test
  @DisplayName("a user's secretName is read, not created; missing, the error names it")
  void usersSecretIsReadAndAMissingOneIsNamed() {
    KubernetesClient client = start();
    GenericKubernetesResource cluster =
        create(client, "  rayVersion: '2.52.0'\n  authOptions: {mode: token, secretName: mine}\n");
    assertThatThrownBy(() -> TokenAuth.dashboardToken(client, flavor, cluster))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "failed to get auth secret default/mine: secrets \"mine\" not found");

    client
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("mine")
                .endMetadata()
                .addToStringData("other", "x")
                .build())
        .create();
    assertThatThrownBy(() -> TokenAuth.dashboardToken(client, flavor, cluster))
        .hasMessage("auth token key '\"auth_token\"' not found in secret default/mine");
    client
        .secrets()
        .inNamespace("default")
        .withName("mine")
        .edit(s -> new SecretBuilder(s).addToStringData("auth_token", "users-token").build());
    assertThat(TokenAuth.dashboardToken(client, flavor, cluster)).contains("users-token");
    Awaitility.await("head pod of raycluster-sample")
        .atMost(WAIT)
        .until(() -> !client.pods().inNamespace("default").list().getItems().isEmpty());
    assertThat(client.secrets().inNamespace("default").withName("raycluster-sample").get())
        .as("no Secret of the operator's own next to the user's")
        .isNull();
  }

  private static GenericKubernetesResource create(KubernetesClient client, String specExtra) {
    String yaml =
        "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: raycluster-sample\n"
            + "  namespace: default\nspec:\n"
            + specExtra
            + UpstreamSpecs.head("")
            + UpstreamSpecs.worker("");
    return client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .create();
  }
}
