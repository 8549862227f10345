package io.kuberay.harness.cucumber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cucumber.cucumberexpressions.Argument;
import io.cucumber.cucumberexpressions.Expression;
import io.cucumber.cucumberexpressions.ExpressionFactory;
import io.cucumber.cucumberexpressions.ParameterType;
import io.cucumber.cucumberexpressions.ParameterTypeRegistry;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.ray.JobStatus;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compiles every step annotation of the library with its parameter types and matches sentences
 * against them.
 */
class StepVocabularyTests {

  private static final List<Class<?>> STEP_CLASSES =
      List.of(
          KubernetesSteps.class,
          PodSteps.class,
          RayClusterSteps.class,
          RayJobSteps.class,
          RayJobResourceSteps.class,
          AutoscalingSteps.class,
          ImageSteps.class);

  private final ParameterTypeRegistry registry = registry();
  private final List<Expression> expressions = expressions();

  private static ParameterTypeRegistry registry() {
    ParameterTypes p = new ParameterTypes();
    ParameterTypeRegistry r = new ParameterTypeRegistry(Locale.ENGLISH);
    r.defineParameterType(
        new ParameterType<>(
            "kuberayDuration", ParameterTypes.DURATION, Duration.class, p::duration));
    r.defineParameterType(
        new ParameterType<>(
            "kuberayLabelSelector",
            ParameterTypes.LABEL_SELECTOR,
            LabelSelector.class,
            p::labelSelector));
    r.defineParameterType(
        new ParameterType<>("kuberayPodState", PodState.REGEX, PodState.class, p::podState));
    r.defineParameterType(
        new ParameterType<>(
            "kuberayJobStatus", ParameterTypes.JOB_STATUS, JobStatus.class, p::jobStatus));
    r.defineParameterType(
        new ParameterType<>(
            "kuberayVersion", ParameterTypes.VERSION, KubeRayVersion.class, p::kuberayVersion));
    r.defineParameterType(
        new ParameterType<>(
            "kuberayInstallMethod",
            ParameterTypes.INSTALL_METHOD,
            InstallMethod.class,
            p::installMethod));
    return r;
  }

  private List<Expression> expressions() {
    List<Expression> list = new ArrayList<>();
    for (Class<?> c : STEP_CLASSES) {
      for (Method m : c.getDeclaredMethods()) {
        Stream.of(
                m.getAnnotation(Given.class),
                m.getAnnotation(When.class),
                m.getAnnotation(Then.class))
            .filter(a -> a != null)
            .map(
                a ->
                    a instanceof Given g
                        ? g.value()
                        : a instanceof When w ? w.value() : ((Then) a).value())
            .forEach(text -> list.add(new ExpressionFactory(registry).createExpression(text)));
      }
    }
    return list;
  }

  /** The arguments of the one step matching {@code sentence}; fails if none or several match. */
  private List<Object> match(String sentence) {
    List<List<Object>> matches = new ArrayList<>();
    for (Expression e : expressions) {
      List<Argument<?>> args = e.match(sentence);
      if (args != null) {
        matches.add(args.stream().map(a -> (Object) a.getValue()).toList());
      }
    }
    assertThat(matches).as("steps matching '%s'", sentence).hasSize(1);
    return matches.get(0);
  }

  @Test
  @DisplayName("the library has the documented number of steps and all of them compile")
  void allStepsCompile() {
    assertThat(expressions).hasSize(39);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "60 seconds | PT1M",
        "2 minutes | PT2M",
        "1 minute | PT1M",
        "90s | PT1M30S",
        "500 ms | PT0.5S",
        "5m | PT5M",
        "1 hour | PT1H",
        "10 secs | PT10S"
      })
  @DisplayName("durations read as people write them, inside a sentence")
  void durations(String text, String iso) {
    assertThat(match("the RayCluster \"raycluster-kuberay\" is ready within " + text))
        .containsExactly("raycluster-kuberay", Duration.parse(iso));
  }

  @Test
  @DisplayName("'running and ready' is one pod state, not 'running' followed by text")
  void podStatesInSentences() {
    assertThat(
            match("all pods in namespace \"ray-system\" are running and ready within 60 seconds"))
        .containsExactly("ray-system", PodState.RUNNING_AND_READY, Duration.ofSeconds(60));
    assertThat(
            match(
                "2 pods with labels \"ray.io/cluster=raycluster-kuberay\" are running within 2 minutes"))
        .containsExactly(
            2,
            LabelSelector.parse("ray.io/cluster=raycluster-kuberay"),
            PodState.RUNNING,
            Duration.ofMinutes(2));
    assertThat(match("1 pod with label \"ray.io/node-type=head\" is pending within 10 seconds"))
        .containsExactly(
            1,
            LabelSelector.parse("ray.io/node-type=head"),
            PodState.PENDING,
            Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("versions, install methods and job statuses become harness-core types")
  void kuberayTypes() {
    assertThat(match("the KubeRay operator v1.1.0 is installed with kustomize"))
        .containsExactly(KubeRayVersion.V1_1_0, InstallMethod.KUSTOMIZE);
    assertThat(match("the KubeRay operator 1.5.0 is installed with Helm"))
        .containsExactly(KubeRayVersion.V1_5_0, InstallMethod.HELM);
    assertThat(match("the Ray job reaches status FAILED within 2 minutes"))
        .containsExactly(JobStatus.FAILED, Duration.ofMinutes(2));
    assertThat(match("the RayJob \"rayjob-sample\" reaches job status SUCCEEDED within 3 minutes"))
        .containsExactly("rayjob-sample", JobStatus.SUCCEEDED, Duration.ofMinutes(3));
    assertThat(
            match(
                "I scale worker group \"workergroup\" of the RayCluster \"raycluster-kuberay\" to 1 replica"))
        .containsExactly("workergroup", "raycluster-kuberay", 1);
  }

  @Test
  @DisplayName("an unsupported version matches the sentence but fails naming the supported ones")
  void unsupportedVersion() {
    Expression e =
        new ExpressionFactory(registry)
            .createExpression(
                "the KubeRay operator {kuberayVersion} is installed with {kuberayInstallMethod}");
    List<Argument<?>> args = e.match("the KubeRay operator v0.9.9 is installed with kustomize");
    assertThatThrownBy(() -> args.get(0).getValue())
        .hasRootCauseMessage(
            "Unknown KubeRay version 'v0.9.9'. Supported versions: [v1.1.0, v1.5.0, v1.7.0]. Use one of them, e.g. kuberay.version=v1.1.0.");
  }

  @Test
  @DisplayName("sentences the scenarios use each match exactly one step")
  void scenarioSentences() {
    Map<String, Integer> sentences =
        Map.ofEntries(
            Map.entry("the KubeRay operator is installed", 0),
            Map.entry("the KubeRay operator is running and ready within 60 seconds", 1),
            Map.entry("the shared Kubernetes namespace \"default\"", 1),
            Map.entry("the Kubernetes namespace \"default\"", 1),
            Map.entry("the Kubernetes resources are kept after the scenario", 0),
            Map.entry("commands in pods time out after 30 seconds", 1),
            Map.entry("steps without a stated duration wait up to 2 minutes", 1),
            Map.entry("I create the Kubernetes resource:", 0),
            Map.entry(
                "worker group \"small\" of the RayCluster \"autoscaling\" has 2 ready worker pods within 8 minutes",
                4),
            Map.entry(
                "worker group \"small\" of the RayCluster \"autoscaling\" has 0 replicas within 5 minutes",
                4),
            Map.entry(
                "the RayCluster \"autoscaling\" has created at least 2 and deleted at least 2 worker pods",
                3),
            Map.entry("I install the ray-cluster chart v1.1.0 as release \"raycluster\"", 2),
            Map.entry("the ray-cluster chart 1.5.0 is installed as release \"raycluster\"", 2),
            Map.entry(
                "I install the ray-cluster chart v1.5.0 as release \"raycluster\" with values:", 2),
            Map.entry(
                "the ray-cluster chart v1.1.0 is installed as release \"raycluster\" with values:",
                2),
            Map.entry(
                "the pods with labels \"ray.io/cluster=too-big\" are pending within 20 seconds", 3),
            Map.entry("the pod with label \"ray.io/node-type=head\" is known as \"head\"", 2),
            Map.entry("I run in pod \"head\":", 1),
            Map.entry("the command exits with code 3", 1),
            Map.entry("the command output contains \"'CPU': 2.0\"", 1),
            Map.entry("the command error output contains \"bad input\"", 1),
            Map.entry("the RayCluster \"too-big\" is still not ready after 15 seconds", 2),
            Map.entry("the timeout message contains \"Insufficient cpu\"", 1),
            Map.entry(
                "the RayCluster \"raycluster-kuberay\" has 2 available workers within 2 minutes",
                3),
            Map.entry("the Ray dashboard is reachable within 30 seconds", 1),
            Map.entry("the image \"myorg/ray-app:*\" holds the directory \"app\" at \"/app\"", 3),
            Map.entry(
                "the image \"myorg/ray-app:*\" holds the directory \"app\" at \"/app\" with the"
                    + " requirements \"app/requirements.txt\"",
                4),
            Map.entry("the image \"myorg/ray-app:*\" is built on Ray \"2.46.0\"", 2),
            Map.entry("I submit a Ray job with entrypoint:", 0),
            Map.entry("the Ray job message contains \"exit code 1\"", 1),
            Map.entry("the Ray job logs contain \"CPU\" within 30 seconds", 2),
            Map.entry(
                "the RayJob \"rayjob-sample\" reaches deployment status \"Complete\" within 3 minutes",
                3));
    sentences.forEach(
        (sentence, argumentCount) ->
            assertThat(match(sentence)).as(sentence).hasSize(argumentCount));
  }
}
