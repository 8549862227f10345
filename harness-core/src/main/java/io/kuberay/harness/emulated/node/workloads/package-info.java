/**
 * kube-controller-manager's workload controllers for the emulated cluster (Kubernetes 1.31): the
 * Deployment controller ({@link io.kuberay.harness.emulated.node.workloads.DeploymentController})
 * rolls out ReplicaSets, the ReplicaSet controller ({@link
 * io.kuberay.harness.emulated.node.workloads.ReplicaSetController}) keeps their pods, the
 * StatefulSet controller ({@link io.kuberay.harness.emulated.node.workloads.StatefulSetController})
 * makes ordinal pods and their claims, the DaemonSet controller runs one pod on the node, and
 * {@link io.kuberay.harness.emulated.node.workloads.ClaimBinder} binds claims as k3s's local-path
 * provisioner does. The pods run on the emulated node as any pod does. Sees the API server like the
 * operator does (the in-process API only); may use {@code emulated.support} and the root API.
 */
@Internal
package io.kuberay.harness.emulated.node.workloads;

import io.kuberay.harness.Internal;
