package io.kuberay.harness.cucumber;

import io.cucumber.java.After;
import io.cucumber.java.AfterAll;
import io.cucumber.java.Before;
import io.cucumber.java.Scenario;
import io.kuberay.harness.KubeRayEnvironments;

/**
 * Per-scenario lifecycle: hand the scenario to the world, write diagnostics when it failed, then
 * clean up (unless the scenario said to keep resources or is tagged {@code @keep-resources}) and
 * give back the scenario's hold on its environment.
 */
public class ScenarioHooks {

  private final KubeRayWorld world;

  public ScenarioHooks(KubeRayWorld world) {
    this.world = world;
  }

  @Before(order = 0)
  public void begin(Scenario scenario) {
    world.begin(scenario);
  }

  /** Runs before {@link #cleanUp()} ({@code @After} hooks with a higher order run first). */
  @After(order = 20000)
  public void diagnosticsOnFailure(Scenario scenario) {
    if (scenario.isFailed()) {
      world.writeDiagnostics();
    }
  }

  @After(order = 100)
  public void cleanUp() {
    world.cleanUp();
  }

  /** Runs after {@link #cleanUp()}, which still uses the environment. */
  @After(order = 10)
  public void release() {
    world.release();
  }

  /** The run's end: the environments its scenarios released and no one holds close now. */
  @AfterAll
  public static void closeIdleEnvironments() {
    KubeRayEnvironments.closeIdle();
  }
}
