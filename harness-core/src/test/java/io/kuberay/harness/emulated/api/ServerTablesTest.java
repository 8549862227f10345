package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Table's rows carry what {@code includeObject} asks for: {@code kubectl get --sort-by} asks for
 * Object and sorts by the embedded objects (with metadata only, {@code kubectl get events
 * --sort-by=.lastTimestamp} printed "No resources found").
 */
class ServerTablesTest {

  private static final Map<String, Object> EVENTS =
      JsonText.readObject(
          """
          {"kind": "EventList", "apiVersion": "v1", "items": [
            {"metadata": {"name": "e1"}, "reason": "Created", "lastTimestamp": "2026-12-03T03:00:00Z"}]}
          """);

  private static Map<String, Object> firstRow(String includeObject) {
    Map<String, Object> table =
        ServerTables.table(
            EVENTS, ServerTables.columns("", "events", List.of()), Instant.now(), includeObject);
    return Maps.map(Maps.list(table.get("rows")).get(0));
  }

  @Test
  void objectEmbedsTheWholeObjectWithItsKind() {
    assertThat(Maps.map(firstRow("Object").get("object")))
        .containsEntry("kind", "Event")
        .containsEntry("apiVersion", "v1")
        .containsEntry("reason", "Created")
        .containsEntry("lastTimestamp", "2026-12-03T03:00:00Z");
  }

  @Test
  void metadataIsTheDefaultAndNoneEmbedsNothing() {
    assertThat(Maps.map(firstRow(null).get("object")))
        .containsEntry("kind", "PartialObjectMetadata")
        .doesNotContainKey("reason");
    assertThat(Maps.map(firstRow("Metadata").get("object")))
        .containsEntry("kind", "PartialObjectMetadata");
    assertThat(firstRow("None")).doesNotContainKey("object");
  }

  @Test
  void onlyTheThreeValuesAreAccepted() {
    assertThat(ServerTables.validIncludeObject("Object")).isTrue();
    assertThat(ServerTables.validIncludeObject(null)).isTrue();
    assertThat(ServerTables.validIncludeObject("Everything")).isFalse();
  }
}
