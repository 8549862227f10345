package io.kuberay.harness.emulated.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code /openapi/v2} in the protobuf encoding Go clients ask for first ({@code
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf}, gnostic's {@code
 * openapi_v2.Document}), reduced to its header: {@code swagger}, {@code info} and empty {@code
 * paths}. kubectl reads it only for kinds the server has no OpenAPI v3 document for, and for a kind
 * the document lacks it skips client-side validation, as it does against a real server for a kind
 * that is not installed; the definitions are in the JSON rendering.
 */
final class OpenApiV2Protobuf {

  static final String MEDIA_TYPE = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

  private OpenApiV2Protobuf() {}

  static byte[] header(String title, String version) {
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    string(info, 1, title);
    string(info, 2, version);
    ByteArrayOutputStream doc = new ByteArrayOutputStream();
    string(doc, 1, "2.0");
    message(doc, 2, info.toByteArray());
    message(doc, 8, new byte[0]);
    return doc.toByteArray();
  }

  private static void string(ByteArrayOutputStream out, int field, String value) {
    message(out, field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A length-delimited field (wire type 2): tag, varint length, bytes. */
  private static void message(ByteArrayOutputStream out, int field, byte[] value) {
    varint(out, (field << 3) | 2);
    varint(out, value.length);
    out.writeBytes(value);
  }

  private static void varint(ByteArrayOutputStream out, int value) {
    int v = value;
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }
}
