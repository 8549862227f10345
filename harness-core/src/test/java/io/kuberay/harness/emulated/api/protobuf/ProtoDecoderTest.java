package io.kuberay.harness.emulated.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.emulated.store.ApiException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The special cases kubectl's create subcommands do not send, on bodies encoded here with the field
 * numbers of k8s.io/api v0.31.0's generated.proto: inlined embedded structs, MicroTime, list-typed
 * messages (ExtraValue), RawExtension, packed and negative numbers.
 */
class ProtoDecoderTest {

  @Test
  void anInlinedStructsFieldsAreTheParents() {
    // Pod.spec(2).containers(2): name(1), livenessProbe(10): the inlined
    // handler(1).exec(1).command(1),
    // periodSeconds(4); initialDelaySeconds(2) 0 is omitempty, so absent.
    byte[] probe =
        cat(
            message(1, message(1, cat(string(1, "cat"), string(1, "/tmp/ok")))),
            varint(2, 0),
            varint(4, 5));
    byte[] container = cat(string(1, "app"), message(10, probe));
    Map<String, Object> pod =
        ProtobufBodies.decode(envelope("v1", "Pod", message(2, message(2, container))));

    assertThat(pod.get("spec"))
        .isEqualTo(
            Map.of(
                "containers",
                List.of(
                    Map.of(
                        "name",
                        "app",
                        "livenessProbe",
                        Map.of(
                            "exec",
                            Map.of("command", List.of("cat", "/tmp/ok")),
                            "periodSeconds",
                            5)))));
  }

  @Test
  void microTimeHasMicrosecondsAndAnUnsetTimeIsAbsent() {
    // eventTime(2) MicroTime 2024-01-02T03:04:05.123456Z; deprecatedLastTimestamp(14) zero.
    byte[] event =
        cat(
            message(2, cat(varint(1, 1704164645L), varint(2, 123_456_000))),
            string(7, "Started"),
            message(14, new byte[0]));
    Map<String, Object> decoded =
        ProtobufBodies.decode(envelope("events.k8s.io/v1", "Event", event));

    assertThat(decoded)
        .containsEntry("eventTime", "2024-01-02T03:04:05.123456Z")
        .containsEntry("reason", "Started")
        .doesNotContainKey("deprecatedLastTimestamp");
  }

  @Test
  void extraValueIsAListAndRawExtensionItsJson() {
    // SubjectAccessReview.spec(2): user(3), extra(5) map<string, ExtraValue{items(1)}>.
    byte[] spec =
        cat(
            string(3, "alice"),
            message(5, cat(string(1, "scopes"), message(2, cat(string(1, "a"), string(1, "b"))))));
    assertThat(
            ProtobufBodies.decode(
                    envelope("authorization.k8s.io/v1", "SubjectAccessReview", message(2, spec)))
                .get("spec"))
        .isEqualTo(Map.of("user", "alice", "extra", Map.of("scopes", List.of("a", "b"))));

    // ControllerRevision: data(2) RawExtension{raw(1)} with JSON, revision(3) int64.
    byte[] revision =
        cat(message(2, string(1, "{\"spec\":{\"replicas\":2}}")), varint(3, 7_000_000_000L));
    assertThat(ProtobufBodies.decode(envelope("apps/v1", "ControllerRevision", revision)))
        .containsEntry("data", Map.of("spec", Map.of("replicas", 2)))
        .containsEntry("revision", 7_000_000_000L);
  }

  @Test
  void anEmbeddedObjectInProtobufIsRefusedWithWhatToSend() {
    byte[] revision =
        cat(message(2, cat(new byte[] {10, 5}, "k8s\0x".getBytes(StandardCharsets.UTF_8))));

    assertThatThrownBy(
            () -> ProtobufBodies.decode(envelope("apps/v1", "ControllerRevision", revision)))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.response().code()).isEqualTo(415))
        .hasMessageContaining("RawExtension")
        .hasMessageContaining("application/json");
  }

  @Test
  void aKindOfAnUnknownGroupIsRefused() {
    assertThatThrownBy(
            () -> ProtobufBodies.decode(envelope("ray.io/v1", "RayCluster", new byte[0])))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.response().code()).isEqualTo(415))
        .hasMessageContaining("apiVersion 'ray.io/v1' is not a built-in group/version")
        .hasMessageContaining("send RayCluster as application/json");
  }

  private static byte[] envelope(String apiVersion, String kind, byte[] raw) {
    return cat(
        "k8s\0".getBytes(StandardCharsets.US_ASCII),
        message(1, cat(string(1, apiVersion), string(2, kind))),
        message(2, raw));
  }

  private static byte[] message(int field, byte[] payload) {
    return cat(rawVarint(field << 3 | 2), rawVarint(payload.length), payload);
  }

  private static byte[] string(int field, String value) {
    return message(field, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] varint(int field, long value) {
    return cat(rawVarint(field << 3), rawVarint(value));
  }

  private static byte[] rawVarint(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((value & ~0x7fL) != 0) {
      out.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
    return out.toByteArray();
  }

  private static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
