package io.kuberay.harness.cucumber;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.Waits;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Pods: waiting for states, knowing a pod by alias, running commands in it and checking the result.
 */
public class PodSteps {

  private final KubeRayWorld world;

  public PodSteps(KubeRayWorld world) {
    this.world = world;
  }

  @Then("all pods in namespace {string} are {kuberayPodState} within {kuberayDuration}")
  public void allPodsInNamespace(String namespace, PodState state, Duration timeout) {
    awaitPods(
        "Pods in namespace " + namespace,
        "at least one pod, all " + state,
        timeout,
        () -> world.client().pods().inNamespace(namespace).list().getItems(),
        pods -> !pods.isEmpty() && pods.stream().allMatch(state::matches));
  }

  @Then(
      "{int} pod(s) with label(s) {kuberayLabelSelector} is/are {kuberayPodState} within {kuberayDuration}")
  public void countedPods(int count, LabelSelector labels, PodState state, Duration timeout) {
    awaitPods(
        "Pods " + labels + " in namespace " + world.namespace(),
        "exactly " + count + " pod(s), all " + state,
        timeout,
        () -> pods(labels),
        pods -> pods.size() == count && pods.stream().allMatch(state::matches));
  }

  @Then(
      "the pods with label(s) {kuberayLabelSelector} are {kuberayPodState} within {kuberayDuration}")
  public void labelledPods(LabelSelector labels, PodState state, Duration timeout) {
    awaitPods(
        "Pods " + labels + " in namespace " + world.namespace(),
        "at least one pod, all " + state,
        timeout,
        () -> pods(labels),
        pods -> !pods.isEmpty() && pods.stream().allMatch(state::matches));
  }

  /**
   * Waits (up to the default wait) until exactly one pod has the labels, and remembers it under the
   * alias.
   */
  @Given("the pod with label(s) {kuberayLabelSelector} is known as {string}")
  public void alias(LabelSelector labels, String alias) {
    List<Pod> found =
        Waits.until(
            "Pods " + labels + " in namespace " + world.namespace(),
            "exactly one pod (to be known as \"" + alias + "\")",
            world.defaultWait(),
            () -> pods(labels),
            pods -> pods.size() == 1,
            PodSummaries::of,
            null);
    world.alias(
        alias, world.environment().pod(world.namespace(), found.get(0).getMetadata().getName()));
  }

  /**
   * Runs the doc string with {@code bash -c} in the pod; a non-zero exit is a result, checked by
   * the next steps.
   */
  @When("I run in pod {string}:")
  public void run(String alias, String command) {
    PodHandle pod = world.pod(alias);
    ExecResult result = pod.exec(List.of("bash", "-c", command), world.execTimeout());
    world.lastExec(alias, result);
    world.log(
        "exit code "
            + result.exitCode()
            + " after "
            + result.duration().toMillis()
            + " ms\nstdout:\n"
            + result.stdout()
            + "\nstderr:\n"
            + result.stderr());
  }

  @Then("the command exits with code {int}")
  public void exitCode(int expected) {
    ExecResult r = world.lastExec();
    if (r.exitCode() != expected) {
      throw new AssertionError(
          describeCommand()
              + " exited with "
              + r.exitCode()
              + ", expected "
              + expected
              + "."
              + output(r));
    }
  }

  @Then("the command output contains {string}")
  public void stdoutContains(String text) {
    ExecResult r = world.lastExec();
    if (!r.stdout().contains(text)) {
      throw new AssertionError(
          "The standard output of "
              + describeCommand()
              + " does not contain '"
              + text
              + "'."
              + output(r));
    }
  }

  @Then("the command error output contains {string}")
  public void stderrContains(String text) {
    ExecResult r = world.lastExec();
    if (!r.stderr().contains(text)) {
      throw new AssertionError(
          "The standard error of "
              + describeCommand()
              + " does not contain '"
              + text
              + "'."
              + output(r));
    }
  }

  private List<Pod> pods(LabelSelector labels) {
    return world
        .client()
        .pods()
        .inNamespace(world.namespace())
        .withLabels(labels.labels())
        .list()
        .getItems();
  }

  private void awaitPods(
      String object,
      String expectation,
      Duration timeout,
      Supplier<List<Pod>> poll,
      Predicate<List<Pod>> ok) {
    Waits.until(object, expectation, timeout, poll, ok, PodSummaries::of, null);
  }

  private String describeCommand() {
    String alias = world.lastExecPod();
    return "The command in pod \"" + alias + "\" (" + world.pod(alias).name() + ")";
  }

  private static String output(ExecResult r) {
    return "\nstdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr();
  }
}
