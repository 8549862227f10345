package io.kuberay.harness.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.RayClusterHandle;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Prints the cost of one more test class that shares the environment: runs 1 and N trivial classes
 * in one engine run each (the environment starts once per run) and prints (t(N) - t(1)) / (N - 1).
 * Two kinds of class: with no cluster (namespace create/delete only) and with one head-only
 * cluster.
 *
 * <p>Run: {@code java -cp $CP io.kuberay.harness.junit.SharedEnvironmentOverheadBenchmark [rounds]}
 * (docs/PERFORMANCE.md)
 */
final class SharedEnvironmentOverheadBenchmark {

  private SharedEnvironmentOverheadBenchmark() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<Class<?>> plain =
        List.of(
            P01TestCase.class,
            P02TestCase.class,
            P03TestCase.class,
            P04TestCase.class,
            P05TestCase.class,
            P06TestCase.class,
            P07TestCase.class,
            P08TestCase.class,
            P09TestCase.class,
            P10TestCase.class,
            P11TestCase.class,
            P12TestCase.class,
            P13TestCase.class,
            P14TestCase.class,
            P15TestCase.class,
            P16TestCase.class,
            P17TestCase.class,
            P18TestCase.class,
            P19TestCase.class,
            P20TestCase.class);
    List<Class<?>> withCluster =
        List.of(
            C01TestCase.class,
            C02TestCase.class,
            C03TestCase.class,
            C04TestCase.class,
            C05TestCase.class,
            C06TestCase.class,
            C07TestCase.class,
            C08TestCase.class,
            C09TestCase.class,
            C10TestCase.class);
    run(plain.subList(0, 1)); // warm-up: class loading, JIT, first environment
    run(plain);
    report("no cluster (namespace only)", plain, rounds);
    report("one head-only RayCluster", withCluster, rounds);
  }

  private static void report(String kind, List<Class<?>> classes, int rounds) {
    long[] one = new long[rounds];
    long[] many = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      one[i] = run(classes.subList(0, 1));
      many[i] = run(classes);
    }
    double oneMs = median(one) / 1e6;
    double manyMs = median(many) / 1e6;
    double perClass = (manyMs - oneMs) / (classes.size() - 1);
    System.out.printf(
        "%-28s 1 class: %7.1f ms   %2d classes: %7.1f ms   per additional class: %6.1f ms (median of %d rounds)%n",
        kind, oneMs, classes.size(), manyMs, perClass, rounds);
  }

  private static long run(List<Class<?>> classes) {
    long start = System.nanoTime();
    EngineExecutionResults results =
        EngineTestKit.engine("junit-jupiter")
            .selectors(classes.stream().map(c -> selectClass(c)).toArray(ClassSelector[]::new))
            .execute();
    long elapsed = System.nanoTime() - start;
    long succeeded = results.testEvents().succeeded().count();
    if (succeeded != classes.size()) {
      throw new IllegalStateException(
          "expected "
              + classes.size()
              + " passing tests, got "
              + succeeded
              + ": "
              + results.allEvents().failed().list());
    }
    return elapsed;
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off")
  abstract static class PlainTestCase {
    @Test
    void listsItsNamespace(KubernetesClient client, @KubeRayNamespace String namespace) {
      client.pods().inNamespace(namespace).list();
    }
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off", clusters = @RayCluster(name = "bench"))
  abstract static class ClusterTestCase {
    @Test
    void seesItsCluster(RayClusterHandle cluster) {
      cluster.status();
    }
  }

  static class P01TestCase extends PlainTestCase {}

  static class P02TestCase extends PlainTestCase {}

  static class P03TestCase extends PlainTestCase {}

  static class P04TestCase extends PlainTestCase {}

  static class P05TestCase extends PlainTestCase {}

  static class P06TestCase extends PlainTestCase {}

  static class P07TestCase extends PlainTestCase {}

  static class P08TestCase extends PlainTestCase {}

  static class P09TestCase extends PlainTestCase {}

  static class P10TestCase extends PlainTestCase {}

  static class P11TestCase extends PlainTestCase {}

  static class P12TestCase extends PlainTestCase {}

  static class P13TestCase extends PlainTestCase {}

  static class P14TestCase extends PlainTestCase {}

  static class P15TestCase extends PlainTestCase {}

  static class P16TestCase extends PlainTestCase {}

  static class P17TestCase extends PlainTestCase {}

  static class P18TestCase extends PlainTestCase {}

  static class P19TestCase extends PlainTestCase {}

  static class P20TestCase extends PlainTestCase {}

  static class C01TestCase extends ClusterTestCase {}

  static class C02TestCase extends ClusterTestCase {}

  static class C03TestCase extends ClusterTestCase {}

  static class C04TestCase extends ClusterTestCase {}

  static class C05TestCase extends ClusterTestCase {}

  static class C06TestCase extends ClusterTestCase {}

  static class C07TestCase extends ClusterTestCase {}

  static class C08TestCase extends ClusterTestCase {}

  static class C09TestCase extends ClusterTestCase {}

  static class C10TestCase extends ClusterTestCase {}
}
