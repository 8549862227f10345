@tutorial
Feature: KubeRay quick start on v1.5.0
  The same quick start on KubeRay v1.5.0, whose kustomize bundle runs the operator in namespace "default".
  This cluster lives in a namespace of its own that is deleted after the scenario.
  Head and worker request 500m CPU instead of the chart's 1 so that both fit a 2-CPU node next to the
  operator on k3s; their limits, which set Ray's CPU count, stay at 1.

  Scenario: Install KubeRay v1.5.0, start the tutorial cluster, exec in the head and submit a job
    Given the KubeRay operator v1.5.0 is installed with kustomize
    Then the KubeRay operator is running and ready within 60 seconds
    When I install the ray-cluster chart v1.5.0 as release "raycluster" with values:
      | head.resources.requests.cpu   | 500m |
      | worker.resources.requests.cpu | 500m |
    Then the RayCluster "raycluster-kuberay" is ready within 3 minutes
    And 2 pods with label "ray.io/cluster=raycluster-kuberay" are running and ready within 60 seconds
    Given the pod with label "ray.io/node-type=head" is known as "head"
    When I run in pod "head":
      """
      python -c "import ray; ray.init(); print(ray.cluster_resources())"
      """
    Then the command exits with code 0
    And the command output contains "'CPU': 2.0"
    And the Ray dashboard is reachable within 30 seconds
    When I submit a Ray job with entrypoint:
      """
      python -c "import ray; ray.init(); print(ray.cluster_resources())"
      """
    Then the Ray job reaches status SUCCEEDED within 2 minutes
    And the Ray job logs contain "CPU" within 30 seconds

  Scenario: The operator installed with Helm runs in the release namespace
    Given the KubeRay operator v1.5.0 is installed with Helm
    Then the KubeRay operator is running and ready within 60 seconds
    And all pods in namespace "default" are running and ready within 60 seconds
