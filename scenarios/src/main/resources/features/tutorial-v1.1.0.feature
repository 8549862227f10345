@tutorial
Feature: KubeRay quick start on v1.1.0
  The RayCluster quick start of the Ray documentation, step by step: install the KubeRay operator with
  kustomize, install the ray-cluster Helm chart as release "raycluster", check the pods and the RayCluster,
  run Python in the head pod, and submit the same code as a Ray job.
  As in the tutorial the cluster lives in namespace "default", here shared: failures.feature reuses it
  instead of starting more Ray processes, and it goes away with the environment at the end of the run.
  Head and worker request 500m CPU instead of the chart's 1 so that both fit a 2-CPU node next to the
  operator on k3s; their limits, which set Ray's CPU count, stay at 1.

  Scenario: Install KubeRay v1.1.0, start the tutorial cluster, exec in the head and submit a job
    Given the KubeRay operator v1.1.0 is installed with kustomize
    Then all pods in namespace "ray-system" are running and ready within 60 seconds
    Given the shared Kubernetes namespace "default"
    And the ray-cluster chart v1.1.0 is installed as release "raycluster" with values:
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
