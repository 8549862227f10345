package io.kuberay.harness.emulated.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The object store's hot paths as the operator and the kubelet drive them: a label-selector list of
 * one cluster's pods among many clusters' (every reconcile does one), a status merge patch (every
 * pod and cluster status write), and that write's fan-out to open watches (informers of the
 * operator, the node and the test).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ObjectStoreBenchmark {

  private static final ResourceRef PODS = new ResourceRef("", "v1", "pods");

  /** Clusters in the namespace; each has a head and three workers. */
  @Param({"10", "100"})
  public int clusters;

  /** Watches open on pods while the store writes. */
  @Param({"0", "8"})
  public int watches;

  private ObjectStore store;
  private Selector oneCluster;
  private final List<StoreWatch> open = new ArrayList<>();
  private final AtomicLong delivered = new AtomicLong();
  private int next;

  @Setup(Level.Trial)
  public void fill() {
    store = new ObjectStore();
    for (int c = 0; c < clusters; c++) {
      store.create(PODS, pod("cluster-" + c + "-head", "cluster-" + c, "head"));
      for (int w = 0; w < 3; w++) {
        store.create(PODS, pod("cluster-" + c + "-worker-" + w, "cluster-" + c, "worker"));
      }
    }
    oneCluster =
        Selector.parse(
            "ray.io/cluster=cluster-" + (clusters / 2) + ",ray.io/node-type=worker", null);
    for (int i = 0; i < watches; i++) {
      StoreWatch watch = store.watch(PODS, "bench", Selector.parse(null, null), null);
      watch.connect(
          new StoreWatch.Connection() {
            @Override
            public void send(WatchEvent event) {
              delivered.incrementAndGet();
            }

            @Override
            public void end() {}
          });
      open.add(watch);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    open.forEach(StoreWatch::close);
  }

  @Benchmark
  public void listOneClustersWorkers(Blackhole bh) {
    bh.consume(store.list(PODS, "bench", oneCluster));
  }

  @Benchmark
  public StoredObject patchPodStatus() {
    String name = "cluster-" + (next++ % clusters) + "-head";
    String patch =
        "{\"status\":{\"phase\":\"Running\",\"podIP\":\"127.0.0." + (next % 250 + 1) + "\"}}";
    return store.update(
        PODS, "bench", name, pod -> Patches.apply("application/merge-patch+json", patch, pod));
  }

  private static Map<String, Object> pod(String name, String cluster, String type) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("ray.io/cluster", cluster);
    labels.put("ray.io/node-type", type);
    labels.put("app.kubernetes.io/created-by", "kuberay-operator");
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("namespace", "bench");
    metadata.put("labels", labels);
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "ray-" + type);
    container.put("image", "rayproject/ray:2.52.0");
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    pod.put("metadata", metadata);
    pod.put("spec", Map.of("containers", List.of(container)));
    pod.put("status", Map.of("phase", "Pending"));
    return pod;
  }
}
