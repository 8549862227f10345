package io.kuberay.harness.emulated.api.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.emulated.store.ResourceRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The finalizers a delete leaves on an object, as the registry's GC part decides them. */
class DeleteOptionsTest {

  private static final ResourceRef CONFIG_MAPS = new ResourceRef("", "v1", "configmaps");
  private static final ResourceRef JOBS = new ResourceRef("batch", "v1", "jobs");
  private static final ResourceRef EVENTS = new ResourceRef("", "v1", "events");

  @Test
  @DisplayName(
      "without options: a Job orphans, a ConfigMap deletes its dependents in the background")
  void resourceDefaults() {
    assertThat(DeleteOptions.NONE.finalizers(JOBS).apply(List.of())).containsExactly("orphan");
    assertThat(DeleteOptions.NONE.finalizers(CONFIG_MAPS).apply(List.of())).isEmpty();
  }

  @Test
  @DisplayName("a policy replaces an earlier GC finalizer and keeps the others, in their order")
  void policyReplacesTheEarlierOne() {
    List<String> marked = List.of("example.com/a", "orphan", "example.com/b");

    assertThat(DeleteOptions.of(Propagation.FOREGROUND).finalizers(CONFIG_MAPS).apply(marked))
        .containsExactly("example.com/a", "example.com/b", "foregroundDeletion");
    assertThat(DeleteOptions.of(Propagation.BACKGROUND).finalizers(JOBS).apply(marked))
        .containsExactly("example.com/a", "example.com/b");
    assertThat(DeleteOptions.NONE.finalizers(CONFIG_MAPS).apply(marked))
        .as("no options: the earlier choice stands")
        .isSameAs(marked);
  }

  @Test
  @DisplayName("Events take no GC finalizer, whatever the options")
  void eventsAreUnsupported() {
    assertThat(DeleteOptions.of(Propagation.ORPHAN).finalizers(EVENTS).apply(List.of())).isEmpty();
  }

  @Test
  @DisplayName("a body's options win over the query; without a body the query is read")
  void bodyOrQuery() {
    Map<String, String> query = Map.of("propagationPolicy", "Orphan", "orphanDependents", "false");

    assertThat(DeleteOptions.parse(query::get, Map.of("propagationPolicy", "Foreground")))
        .isEqualTo(DeleteOptions.of(Propagation.FOREGROUND));
    assertThat(DeleteOptions.parse(query::get, Map.of()))
        .isEqualTo(new DeleteOptions("Orphan", false));
  }
}
