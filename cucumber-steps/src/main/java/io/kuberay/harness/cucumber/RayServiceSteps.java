package io.kuberay.harness.cucumber;

import io.cucumber.java.After;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.kuberay.harness.Waits;
import io.kuberay.harness.rayservice.RayServiceHandle;
import io.kuberay.harness.rayservice.RayServiceSpec;
import io.kuberay.harness.rayservice.RayServiceStatus;
import io.kuberay.harness.rayservice.ServeApplications;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * RayServices: create from YAML, wait until they serve, HTTP through the serve service, upgrades
 * without failed requests.
 */
public class RayServiceSteps {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final KubeRayWorld world;
  private final Map<String, RayServiceHandle> services = new HashMap<>();
  private Path applications;
  private RequestStream traffic;
  private String clusterBeforeUpgrade;

  public RayServiceSteps(KubeRayWorld world) {
    this.world = world;
  }

  /**
   * Serve imports applications from this directory (relative to the working directory): RayServices
   * created afterwards get its files as a ConfigMap mounted in their Ray containers and on their
   * PYTHONPATH, which works on every backend. Serve's runtime_env accepts only remote URIs.
   */
  @Given("Serve applications are imported from the directory {string}")
  public void applications(String dir) {
    Path path = Path.of(dir).toAbsolutePath().normalize();
    if (!Files.isDirectory(path)) {
      throw new IllegalArgumentException(
          "No directory "
              + path
              + " for Serve applications: give a path relative to "
              + Path.of("").toAbsolutePath());
    }
    applications = path;
  }

  @When("I create the RayService:")
  public void create(String yaml) {
    RayServiceSpec spec = RayServiceSpec.fromYaml(yaml);
    if (applications != null) {
      String configMap = spec.name() + "-serve-apps";
      world
          .client()
          .configMaps()
          .inNamespace(world.namespace())
          .resource(ServeApplications.configMap(configMap, applications))
          .createOr(NonDeletingOperation::update);
      spec = spec.withApplicationsFromConfigMap(configMap);
    }
    RayServiceHandle service =
        world.environment().rayServices().inNamespace(world.namespace()).create(spec);
    world.created(service.get());
    services.put(service.name(), service);
    world.log("Created RayService " + service.namespace() + "/" + service.name());
  }

  @Then("the RayService {string} is running within {kuberayDuration}")
  public void running(String name, Duration timeout) {
    long start = System.nanoTime();
    RayServiceHandle service = service(name).awaitRunning(timeout);
    world.log(
        service
            + " running after "
            + Duration.ofNanos(System.nanoTime() - start).toMillis()
            + " ms: "
            + service.status());
  }

  @Then(
      "an HTTP request to the serve service path {string} of the RayService {string} answers {string} with status {int}")
  public void answers(String path, String name, String body, int status) {
    HttpResponse<String> response =
        get(service(name).serveUrl(), path, Duration.ofSeconds(30))
            .orElseThrow(
                () ->
                    new AssertionError(
                        "GET " + path + " through " + name + "-serve-svc got no answer"));
    if (response.statusCode() != status || !response.body().equals(body)) {
      throw new AssertionError(
          "GET "
              + path
              + " through "
              + name
              + "-serve-svc: expected "
              + status
              + " '"
              + body
              + "', got "
              + response.statusCode()
              + " '"
              + response.body()
              + "'");
    }
  }

  /**
   * Changes rayClusterConfig (an environment variable of every Ray container): the operator rolls
   * out a new cluster.
   */
  @When(
      "I upgrade the RayService {string} by setting the cluster environment variable {string} to {string}")
  public void upgradeCluster(String name, String variable, String value) {
    RayServiceHandle service = service(name);
    clusterBeforeUpgrade = service.status().activeClusterName();
    RayServiceSpec spec =
        RayServiceSpec.fromYaml(world.client().getKubernetesSerialization().asYaml(service.get()))
            .withClusterEnv(variable, value);
    service.update(spec);
    world.log(
        "Upgraded "
            + service
            + ": "
            + variable
            + "="
            + value
            + " (active cluster "
            + clusterBeforeUpgrade
            + ")");
  }

  @When("I change the serveConfigV2 of the RayService {string} to:")
  public void changeServeConfig(String name, String serveConfig) {
    RayServiceHandle service = service(name);
    clusterBeforeUpgrade = service.status().activeClusterName();
    service.update(
        RayServiceSpec.fromYaml(world.client().getKubernetesSerialization().asYaml(service.get()))
            .withServeConfigV2(serveConfig));
  }

  /**
   * Sends GET requests to the path through the serve service, one after the other, until the steps
   * stop them.
   */
  @When("I keep sending requests to the serve service path {string} of the RayService {string}")
  public void keepSending(String path, String name) {
    RayServiceHandle service = service(name);
    // A refused connection or a 5xx is downtime; a slow answer on a busy machine is not (hence the
    // long timeout).
    traffic =
        RequestStream.start(
            () -> status(service.serveUrl(), path, Duration.ofSeconds(60)), world::log);
    world.onCleanup("request stream to " + name, traffic::close);
  }

  @Then("the RayService {string} serves from a new cluster within {kuberayDuration}")
  public void newCluster(String name, Duration timeout) {
    RayServiceHandle service = service(name);
    Waits.until(
        service.toString(),
        "a new active cluster (not " + clusterBeforeUpgrade + ") that is running",
        timeout,
        service::status,
        (RayServiceStatus s) ->
            s.isRunning()
                && !s.activeClusterName().isEmpty()
                && !s.activeClusterName().equals(clusterBeforeUpgrade)
                && s.pendingClusterName().isEmpty()
                && s.numServeEndpoints() > 0,
        RayServiceStatus::toString,
        null);
  }

  @Then("the RayService {string} still serves from the same cluster")
  public void sameCluster(String name) {
    String now = service(name).status().activeClusterName();
    if (!now.equals(clusterBeforeUpgrade)) {
      throw new AssertionError(
          "Expected RayService "
              + name
              + " to stay on cluster "
              + clusterBeforeUpgrade
              + ", but it serves from "
              + now);
    }
  }

  @Then("no request to the serve service failed")
  public void noFailedRequest() {
    if (traffic == null) {
      throw new IllegalStateException(
          "No requests were sent: use 'I keep sending requests to the serve service path ...' first");
    }
    RequestStream.Result result = traffic.stop();
    world.log("Requests during the upgrade: " + result);
    if (result.sent() == 0 || result.failed() > 0) {
      throw new AssertionError("Expected requests and none failed, got " + result);
    }
  }

  @Then("the RayService {string}'s old cluster is deleted within {kuberayDuration}")
  public void oldClusterGone(String name, Duration timeout) {
    RayServiceHandle service = service(name);
    Waits.until(
        service.toString(),
        "its old cluster " + clusterBeforeUpgrade + " deleted",
        timeout,
        service::clusterNames,
        names -> !names.contains(clusterBeforeUpgrade),
        String::valueOf,
        null);
  }

  @After(order = 20000)
  public void stopTraffic() {
    if (traffic != null) {
      traffic.close();
    }
  }

  private RayServiceHandle service(String name) {
    return services.computeIfAbsent(
        name, n -> world.environment().rayServices().inNamespace(world.namespace()).withName(n));
  }

  /**
   * The answer's HTTP status; no answer is an exception that says why (refused, reset, timed out).
   */
  private static int status(URI base, String path, Duration timeout) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + base.resolve(path) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Optional<HttpResponse<String>> get(URI base, String path, Duration timeout) {
    try {
      return Optional.of(
          HTTP.send(
              HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
