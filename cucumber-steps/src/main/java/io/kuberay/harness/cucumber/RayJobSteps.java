package io.kuberay.harness.cucumber;

import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.Waits;
import io.kuberay.harness.ray.JobDetails;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import java.time.Duration;

/** Ray jobs through the dashboard's Jobs API of the scenario's current RayCluster. */
public class RayJobSteps {

  private final KubeRayWorld world;

  public RayJobSteps(KubeRayWorld world) {
    this.world = world;
  }

  /**
   * The dashboard answers and the head pod is Ready: Ray's dashboard answers {@code /api/version}
   * before the head's raylet and dashboard agent run, and refuses jobs until the agent is up
   * (docs/RELIABILITY.md, "The fresh-head window"); KubeRay's readiness probe of the head asks that
   * agent, so after this step a submission is accepted.
   */
  @Then("the Ray dashboard is reachable within {kuberayDuration}")
  public void dashboardReachable(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RayJobsClient jobs = world.jobs();
    RayJobsClient.Version v =
        Waits.until(
            "Ray dashboard of " + world.currentCluster() + " at " + jobs.dashboard(),
            "to answer GET /api/version",
            timeout,
            jobs::version,
            version -> true,
            Object::toString,
            null);
    PodHandle head = world.currentCluster().headPod();
    Waits.until(
        "Head pod " + head.name() + " of " + world.currentCluster(),
        "to be Ready (KubeRay's readiness probe: the head's dashboard agent is up; until then Ray"
            + " refuses jobs with 'No available agent to submit job')",
        Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
        head::get,
        pod -> head.isReady(),
        PodHandle::describe,
        null);
    world.log("Dashboard " + jobs.dashboard() + " answers: Ray " + v.rayVersion() + "; head Ready");
  }

  /**
   * Submits the doc string as the job's shell entrypoint, as {@code ray job submit -- <entrypoint>}
   * would.
   */
  @When("I submit a Ray job with entrypoint:")
  public void submit(String entrypoint) {
    String id = world.jobs().submit(JobSubmission.entrypoint(entrypoint.strip()));
    world.job(id, null);
    world.log("Submitted Ray job " + id + " to " + world.jobs().dashboard());
  }

  /** Fails fast, with Ray's message and the log tail, when the job ends in another status. */
  @Then("the Ray job reaches status {kuberayJobStatus} within {kuberayDuration}")
  public void status(JobStatus status, Duration timeout) {
    String id = world.jobId();
    JobDetails details = world.jobs().awaitStatus(id, status, timeout);
    world.job(id, details);
    world.log("Ray job " + id + " is " + details.status() + ": " + details.message());
  }

  @Then("the Ray job message contains {string}")
  public void messageContains(String text) {
    JobDetails job = world.job();
    if (job.message() == null || !job.message().contains(text)) {
      throw new AssertionError(
          "Ray job "
              + job.id()
              + " ("
              + job.status()
              + "): message does not contain '"
              + text
              + "'. Message: "
              + job.message());
    }
  }

  @Then("the Ray job logs contain {string} within {kuberayDuration}")
  public void logsContain(String text, Duration timeout) {
    String id = world.jobId();
    String logs =
        Waits.until(
            "Logs of Ray job " + id,
            "to contain '" + text + "'",
            timeout,
            () -> world.jobs().logs(id),
            l -> l.contains(text),
            l -> l.isEmpty() ? "(empty)" : "\n" + l,
            null);
    world.log("Logs of Ray job " + id + ":\n" + logs);
  }
}
