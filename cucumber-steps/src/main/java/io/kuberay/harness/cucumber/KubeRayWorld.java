package io.kuberay.harness.cucumber;

import io.cucumber.java.Scenario;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.BackendUnavailableException;
import io.kuberay.harness.DiagnosticsBundle;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayEnvironments;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.UserImage;
import io.kuberay.harness.ray.JobDetails;
import io.kuberay.harness.ray.RayJobsClient;
import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;

/**
 * The state of one scenario, shared by every step class through constructor injection (one instance
 * per scenario with cucumber-picocontainer or any DI container Cucumber supports): the environment,
 * the namespace, pod aliases, the last command and job, and what to delete afterwards.
 */
public final class KubeRayWorld {

  /**
   * System property naming the folder for diagnostics bundles; {@code target/kuberay-diagnostics}
   * by default.
   */
  public static final String DIAGNOSTICS_DIR_PROPERTY = "kuberay.diagnostics.dir";

  private Scenario scenario;
  private KubeRayEnvironment environment;
  private KubeRayEnvironments.Lease lease;
  private String namespace;
  private boolean sharedNamespace;
  private boolean keepResources;
  private Duration execTimeout = PodHandle.DEFAULT_EXEC_TIMEOUT;
  private Duration defaultWait = Duration.ofSeconds(60);
  private final Deque<Cleanup> cleanups = new ArrayDeque<>();
  private final Map<String, PodHandle> pods = new HashMap<>();
  private String lastExecPod;
  private ExecResult lastExec;
  private RayClusterHandle cluster;
  private RayJobsClient jobs;
  private String jobId;
  private JobDetails job;
  private String timeoutMessage;
  private final List<UserImage> userImages = new ArrayList<>();

  void begin(Scenario s) {
    this.scenario = s;
    this.keepResources = s.getSourceTagNames().contains("@keep-resources");
  }

  // ---- environment and namespace ----

  /**
   * Uses the shared environment with this KubeRay install; backend and the rest come from defaults
   * and overrides.
   */
  void useOperator(KubeRayVersion version, InstallMethod method) {
    EnvironmentSettings wanted = SettingsPin.pin(builder().settings(), version, method);
    if (environment != null) {
      if (!environment.settings().equals(wanted)) {
        throw new IllegalStateException(
            "This scenario already uses KubeRay "
                + environment.kuberayVersion()
                + " ("
                + environment.settings().installMethod()
                + "); one scenario works with one KubeRay install.");
      }
      // Already held for this scenario: a second lease would never be given back.
      return;
    }
    environment = lease(wanted);
  }

  /**
   * Holds the shared environment of {@code settings} for this scenario; {@link #release()} gives it
   * back, and it stays open idle for the next scenario of the same settings.
   */
  private KubeRayEnvironment lease(EnvironmentSettings settings) {
    lease = startable(() -> KubeRayEnvironments.acquire(settings));
    return lease.environment();
  }

  /**
   * Gives back the scenario's hold on its environment, after its clean-up: idle environments beyond
   * {@code kuberay.environments.idle} close, the least recently used first.
   */
  void release() {
    if (lease != null) {
      KubeRayEnvironments.Lease held = lease;
      lease = null;
      held.close();
    }
  }

  /**
   * The environment: the one an install step chose, else the shared default (with external
   * overrides).
   */
  public KubeRayEnvironment environment() {
    if (environment == null) {
      environment = lease(builder().settings());
    }
    return environment;
  }

  /** The environment's settings as the scenario's steps chose them so far. */
  private KubeRayEnvironment.Builder builder() {
    KubeRayEnvironment.Builder b = KubeRayEnvironment.builder();
    for (UserImage u : userImages) {
      b = b.userImage(u);
    }
    return b;
  }

  /**
   * The scenario's environment maps this user image; only before a step chose the environment,
   * which cannot change what its images hold.
   */
  void mapImage(UserImage image) {
    if (environment != null) {
      throw new IllegalStateException(
          "The image "
              + image.pattern()
              + " is mapped after the scenario's environment started; put the step 'Given the image"
              + " ... holds the directory ...' before every step that uses the cluster (e.g. in the"
              + " Background, first).");
    }
    userImages.add(image);
  }

  /**
   * The image mapped last under {@code pattern} is built on this Ray release; only after it was
   * mapped and before a step chose the environment.
   */
  void baseImageOnRay(String pattern, String version) {
    int i = userImages.size() - 1;
    while (i >= 0 && !userImages.get(i).pattern().equals(pattern.trim())) {
      i--;
    }
    if (i < 0) {
      throw new IllegalStateException(
          "The image "
              + pattern
              + " is not mapped yet; put 'Given the image \""
              + pattern
              + "\" holds the directory ... at ...' before the step that names its Ray version.");
    }
    UserImage based = userImages.get(i).basedOnRay(version);
    if (environment != null) {
      throw new IllegalStateException(
          "The Ray version of image "
              + pattern
              + " is set after the scenario's environment started; name it before every step that"
              + " uses the cluster (e.g. in the Background, first).");
    }
    userImages.set(i, based);
  }

  /**
   * Skips the scenario, with the reason, when the backend cannot start here and the run marked it
   * optional.
   */
  private static <T> T startable(Supplier<T> start) {
    try {
      return start.get();
    } catch (BackendUnavailableException e) {
      if (SettingsReader.flag(Setting.BACKEND_OPTIONAL)) {
        throw new TestAbortedException(
            "Skipped: the backend cannot start here ("
                + e.getMessage()
                + ") and kuberay.backend.optional=true",
            e);
      }
      throw e;
    }
  }

  public KubernetesClient client() {
    return environment().client();
  }

  /** The scenario's namespace; a fresh one (deleted after the scenario) unless a step named one. */
  public String namespace() {
    if (namespace == null) {
      String name = generatedNamespaceName(scenario == null ? "scenario" : scenario.getName());
      environment().createNamespace(name);
      namespace = name;
      sharedNamespace = false;
      onCleanup("namespace " + name, () -> environment().deleteNamespace(name));
    }
    return namespace;
  }

  /**
   * Works in {@code name} (created if missing, never deleted); with {@code shared}, nothing created
   * in it is deleted either.
   */
  void useNamespace(String name, boolean shared) {
    environment().createNamespace(name);
    this.namespace = name;
    this.sharedNamespace = shared;
  }

  static String generatedNamespaceName(String scenarioName) {
    String slug =
        scenarioName
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("(^-+|-+$)", "");
    slug = slug.length() > 40 ? slug.substring(0, 40).replaceAll("-+$", "") : slug;
    String suffix =
        Integer.toString(
            ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36, 36 * 36 * 36 * 36 * 36), 36);
    return (slug.isEmpty() ? "scenario" : slug) + "-" + suffix;
  }

  // ---- cleanup ----

  /**
   * Records an object the scenario created, to be deleted after it (not in a shared namespace, not
   * when kept).
   */
  public void created(HasMetadata resource) {
    if (!sharedNamespace) {
      String what =
          resource.getKind()
              + " "
              + resource.getMetadata().getNamespace()
              + "/"
              + resource.getMetadata().getName();
      onCleanup(what, () -> client().resource(resource).delete());
    }
  }

  public void onCleanup(String what, Runnable action) {
    cleanups.push(new Cleanup(what, action));
  }

  void keepResources() {
    keepResources = true;
  }

  /** Runs the cleanups, newest first; a failing cleanup is logged and does not stop the others. */
  void cleanUp() {
    if (keepResources) {
      cleanups.forEach(c -> log("Kept (keep resources): " + c.what()));
    } else {
      while (!cleanups.isEmpty()) {
        Cleanup c = cleanups.pop();
        try {
          c.action().run();
        } catch (RuntimeException e) {
          log("Cleanup of " + c.what() + " failed: " + e);
        }
      }
    }
    cleanups.clear();
  }

  // ---- diagnostics ----

  /**
   * Writes the diagnostics bundle of the namespace and attaches its summary to the scenario; never
   * throws.
   */
  void writeDiagnostics() {
    if (environment == null || environment.isClosed() || namespace == null) {
      log("No diagnostics: the scenario started no environment or namespace.");
      return;
    }
    try {
      Path dir =
          Diagnostics.directoryFor(
              Path.of(
                  SettingsReader.get(Setting.DIAGNOSTICS_DIR).orElse("target/kuberay-diagnostics")),
              scenario);
      DiagnosticsBundle.of(environment, namespace).writeTo(dir);
      scenario.attach(DiagnosticsBundle.summary(dir), "text/plain", "kuberay diagnostics");
      log("Diagnostics bundle: " + dir.toAbsolutePath().toUri());
    } catch (RuntimeException e) {
      log("Diagnostics could not be written: " + e);
    }
  }

  void log(String text) {
    if (scenario != null) {
      scenario.log(text);
    }
  }

  // ---- settings, aliases, results ----

  Duration execTimeout() {
    return execTimeout;
  }

  void execTimeout(Duration timeout) {
    this.execTimeout = positive(timeout);
  }

  Duration defaultWait() {
    return defaultWait;
  }

  void defaultWait(Duration timeout) {
    this.defaultWait = positive(timeout);
  }

  private static Duration positive(Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("A timeout must be positive, was " + d);
    }
    return d;
  }

  void alias(String alias, PodHandle pod) {
    pods.put(alias, pod);
  }

  PodHandle pod(String alias) {
    PodHandle pod = pods.get(alias);
    if (pod == null) {
      throw new IllegalStateException(
          "No pod is known as \""
              + alias
              + "\" in this scenario; known: "
              + pods.keySet()
              + ". Add a step: Given the pod with label \"ray.io/node-type=head\" is known as \""
              + alias
              + "\"");
    }
    return pod;
  }

  void lastExec(String alias, ExecResult result) {
    this.lastExecPod = alias;
    this.lastExec = result;
  }

  ExecResult lastExec() {
    if (lastExec == null) {
      throw new IllegalStateException(
          "No command has run in this scenario; add a step: When I run in pod \"head\":");
    }
    return lastExec;
  }

  String lastExecPod() {
    return lastExecPod;
  }

  RayClusterHandle cluster(String name) {
    RayClusterHandle handle = environment().rayClusters().inNamespace(namespace()).withName(name);
    current(handle);
    return handle;
  }

  void current(RayClusterHandle handle) {
    if (cluster == null
        || !cluster.name().equals(handle.name())
        || !cluster.namespace().equals(handle.namespace())) {
      jobs = null;
    }
    cluster = handle;
  }

  /** The RayCluster the scenario last installed, created or checked. */
  RayClusterHandle currentCluster() {
    if (cluster == null) {
      throw new IllegalStateException(
          "No RayCluster in this scenario yet: install the ray-cluster chart, create a RayCluster,"
              + " or check one with: Then the RayCluster \"raycluster-kuberay\" is ready within 3 minutes");
    }
    return cluster;
  }

  RayJobsClient jobs() {
    if (jobs == null) {
      jobs = currentCluster().jobsClient();
    }
    return jobs;
  }

  void job(String id, JobDetails details) {
    this.jobId = id;
    this.job = details;
  }

  String jobId() {
    if (jobId == null) {
      throw new IllegalStateException(
          "No Ray job was submitted in this scenario; add a step: When I submit a Ray job with entrypoint:");
    }
    return jobId;
  }

  JobDetails job() {
    if (job == null) {
      throw new IllegalStateException(
          "The Ray job's status was not checked yet; add: Then the Ray job reaches status FAILED within 2 minutes");
    }
    return job;
  }

  void timeoutMessage(String message) {
    this.timeoutMessage = message;
  }

  String timeoutMessage() {
    if (timeoutMessage == null) {
      throw new IllegalStateException(
          "No wait has timed out in this scenario as expected; a step such as"
              + " Then the RayCluster \"x\" is still not ready after 10 seconds records the message.");
    }
    return timeoutMessage;
  }

  private record Cleanup(String what, Runnable action) {}
}
