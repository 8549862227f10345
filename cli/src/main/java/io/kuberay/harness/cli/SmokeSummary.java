package io.kuberay.harness.cli;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.PickleStepTestStep;
import io.cucumber.plugin.event.Result;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestCaseStarted;
import io.cucumber.plugin.event.TestRunFinished;
import io.cucumber.plugin.event.TestRunStarted;
import io.cucumber.plugin.event.TestStepFinished;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A Cucumber plugin printing a readable smoke-run summary: each step with its time as it finishes,
 * each scenario's outcome, and a closing {@code N passed, N failed} line.
 */
public final class SmokeSummary implements ConcurrentEventListener {

  private final PrintStream out;
  private int passed;
  private int failed;

  public SmokeSummary() {
    this(System.out);
  }

  SmokeSummary(PrintStream out) {
    this.out = out;
  }

  @Override
  public void setEventPublisher(EventPublisher publisher) {
    publisher.registerHandlerFor(
        TestCaseStarted.class, e -> out.printf("%nScenario: %s%n", e.getTestCase().getName()));
    publisher.registerHandlerFor(TestStepFinished.class, this::step);
    publisher.registerHandlerFor(TestCaseFinished.class, this::scenario);
    publisher.registerHandlerFor(TestRunStarted.class, e -> started = e.getInstant());
    publisher.registerHandlerFor(
        TestRunFinished.class,
        e -> {
          out.printf(
              "%nSmoke run finished in %s%n",
              seconds(started == null ? Duration.ZERO : Duration.between(started, e.getInstant())));
          out.printf("%d passed, %d failed%n", passed, failed);
        });
  }

  private Instant started;

  private void step(TestStepFinished e) {
    if (!(e.getTestStep() instanceof PickleStepTestStep step)) {
      return;
    }
    Result result = e.getResult();
    out.printf(
        "  %-7s %7s  %s %s%n",
        mark(result.getStatus()),
        seconds(result.getDuration()),
        step.getStep().getKeyword().trim(),
        step.getStep().getText());
    if (result.getError() != null) {
      out.printf(
          "          %s%n",
          result.getError().getMessage() == null
              ? result.getError()
              : result.getError().getMessage().replace("\n", "\n          "));
    }
  }

  private void scenario(TestCaseFinished e) {
    boolean ok = e.getResult().getStatus() == Status.PASSED;
    if (ok) {
      passed++;
    } else {
      failed++;
    }
    out.printf("  => %s%n", ok ? "PASSED" : e.getResult().getStatus().name());
  }

  private static String mark(Status status) {
    return switch (status) {
      case PASSED -> "ok";
      case SKIPPED -> "skipped";
      case FAILED -> "FAILED";
      default -> status.name().toLowerCase(Locale.ROOT);
    };
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }
}
