Feature: Failures are reported with what happened
  A job that fails and a command that exits non-zero are results the scenario checks, not errors.
  Both reuse the tutorial cluster in the shared namespace "default" (see tutorial-v1.1.0.feature).

  Background:
    Given the KubeRay operator v1.1.0 is installed with kustomize
    And the shared Kubernetes namespace "default"
    And the ray-cluster chart v1.1.0 is installed as release "raycluster" with values:
      | head.resources.requests.cpu   | 500m |
      | worker.resources.requests.cpu | 500m |
    And the RayCluster "raycluster-kuberay" is ready within 3 minutes

  Scenario: A failing job ends FAILED with Ray's message, and its stderr is in the logs
    When I submit a Ray job with entrypoint:
      """
      python -c "import sys; print('Something is seriously wrong.', file=sys.stderr); sys.exit(1)"
      """
    Then the Ray job reaches status FAILED within 2 minutes
    And the Ray job message contains "exit code 1"
    And the Ray job logs contain "Something is seriously wrong." within 30 seconds

  Scenario: A command in the head pod that exits with 3 is captured with both outputs
    Given the pod with label "ray.io/node-type=head" is known as "head"
    When I run in pod "head":
      """
      echo "checking input"
      echo "bad input" >&2
      exit 3
      """
    Then the command exits with code 3
    And the command output contains "checking input"
    And the command error output contains "bad input"
