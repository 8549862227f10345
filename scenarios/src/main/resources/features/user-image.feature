@user-image
Feature: The user's own image on the emulated backend
  The emulated backend pulls no image, so the scenario says what "myorg/ray-app" holds: this module's user-app
  directory at /app, built on Ray 2.52.0. The cluster names the image with its registry (docker.io/...), which is
  the same image, and a rayVersion the image overrides. Emulated only: a k3s node has no myorg/ray-app image.

  Background:
    Given the image "myorg/ray-app:*" holds the directory "src/main/resources/user-app" at "/app"
    And the image "myorg/ray-app:*" is built on Ray "2.52.0"

  Scenario: A RayCluster of the user's image runs the user's code in its head
    Given the KubeRay operator v1.1.0 is installed with kustomize
    When I create the Kubernetes resource:
      """yaml
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: app-cluster
      spec:
        rayVersion: "2.46.0"
        headGroupSpec:
          rayStartParams:
            dashboard-host: "0.0.0.0"
          template:
            spec:
              containers:
                - name: ray-head
                  image: docker.io/myorg/ray-app:1.2
                  resources:
                    requests: {cpu: 500m, memory: 1G}
                    limits: {cpu: "1", memory: 2G}
      """
    Then the RayCluster "app-cluster" is ready within 3 minutes
    Given the pod with label "ray.io/cluster=app-cluster" is known as "head"
    When I run in pod "head":
      """
      python /app/train.py
      """
    Then the command exits with code 0
    And the command output contains "trained on Ray 2.52.0 sum of squares 14"
