Feature: A RayCluster too big for the node never becomes ready
  A head that asks for 1000 CPUs cannot be scheduled on any node (the emulated node has max(8, cores)).
  Its pod stays Pending, and the readiness wait ends with a message that names the cluster, the
  expectation, the timeout and the last state seen, including why the pod is not scheduled.

  Scenario: The readiness timeout says which pod cannot be scheduled and why
    Given the KubeRay operator v1.1.0 is installed with kustomize
    When I create the Kubernetes resource:
      """yaml
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: too-big
      spec:
        rayVersion: "2.9.0"
        headGroupSpec:
          rayStartParams:
            dashboard-host: "0.0.0.0"
          template:
            spec:
              containers:
                - name: ray-head
                  image: rayproject/ray:2.9.0
                  resources:
                    requests: {cpu: "1000", memory: 2G}
                    limits: {cpu: "1000", memory: 2G}
      """
    Then the pods with label "ray.io/cluster=too-big" are pending within 30 seconds
    And the RayCluster "too-big" is still not ready after 10 seconds
    And the timeout message contains "RayCluster"
    And the timeout message contains "too-big: expected status.state ready"
    And the timeout message contains "did not happen within PT10S"
    And the timeout message contains "Unschedulable"
