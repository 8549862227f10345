package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.NodeCapacity;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.node.JobController;
import io.kuberay.harness.emulated.node.NodeEmulator;
import io.kuberay.harness.emulated.node.runtime.PodRuntimes;
import io.kuberay.harness.emulated.node.runtime.SimulatedPodRuntime;
import io.kuberay.harness.emulated.node.sandbox.MountNamespaces;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a K8sJobMode submitter meets, without Ray: the API server, the node's Job controller, the
 * node (its pods run without processes, as the submitter's pod does) and the operator's {@link
 * SubmitterJobs}, whose clusters have no dashboard.
 */
final class SubmitterNode implements AutoCloseable {

  /** KubeRay v1.5.0 has no token authentication: the submitter gets no token env. */
  static final TokenAuth NO_AUTH = new TokenAuth(UpstreamSpecs.flavor("v1.5.0"), "c", Map.of());

  private static final NodeCapacity CAPACITY = new NodeCapacity("4", "8Gi");

  final EmulatedApiServer api = new EmulatedApiServer().start("http://127.0.0.1:1");
  final KubernetesClient client = api.client();
  final SubmitterJobs submitters =
      new SubmitterJobs(client, (namespace, c) -> Optional.empty(), UpstreamSpecs.flavor("v1.5.0"));
  private final JobController jobs;
  private final PodRuntimes runtimes;
  private final NodeEmulator node;

  SubmitterNode(Path dir) {
    api.create(NodeEmulator.nodeObject(CAPACITY));
    api.create(UpstreamSpecs.openCrd("RayJob"));
    jobs = new JobController(client, api, new EventRecorder(api, "job-controller")).start();
    runtimes =
        new PodRuntimes(
            null,
            new SimulatedPodRuntime(
                new PodFilesystems(dir, () -> client, CAPACITY, MountNamespaces.probe(), true)));
    node = new NodeEmulator(client, api, CAPACITY, runtimes, new EventRecorder(api, "kubelet"));
    node.start();
  }

  /**
   * The RayJob, stored (the garbage collector removes a Job whose owner does not exist), with
   * {@code spec} (YAML, indented 2) after its entrypoint.
   */
  RayJobView rayJob(String spec) {
    GenericKubernetesResource stored =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
            .inNamespace("default")
            .resource(
                Serialization.unmarshal(
                    "apiVersion: ray.io/v1\nkind: RayJob\n"
                        + "metadata: {name: rayjob-sample, namespace: default}\n"
                        + "spec:\n  entrypoint: python -c 'print(1)'\n"
                        + spec,
                    GenericKubernetesResource.class))
            .create();
    return new RayJobView(stored);
  }

  Job submitterJob(RayJobView rayJob) {
    return submitters.create(rayJob, "rayjob-sample-abc12", "127.0.0.1:8265", "c", "img", NO_AUTH);
  }

  Job job() {
    return client.batch().v1().jobs().inNamespace("default").withName("rayjob-sample").get();
  }

  List<Pod> pods() {
    return client.pods().inNamespace("default").list().getItems();
  }

  /** The events on Job default/rayjob-sample: {@code Type/Reason: message (xCount)}. */
  List<String> jobEvents() {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "Job".equals(e.getInvolvedObject().getKind()))
        .map(SubmitterNode::describe)
        .toList();
  }

  private static String describe(Event e) {
    return e.getType()
        + "/"
        + e.getReason()
        + ": "
        + e.getMessage()
        + " ("
        + e.getSource().getComponent()
        + ")";
  }

  @Override
  public void close() {
    submitters.close();
    node.close();
    jobs.close();
    runtimes.close();
    api.close();
  }
}
