package io.kuberay.harness.emulated.api.protobuf;

import io.kuberay.harness.emulated.store.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the protocol buffers wire format: tags, varints, length-delimited fields; nothing else is
 * needed for Kubernetes' messages.
 */
final class ProtoWire {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final byte[] bytes;
  private int position;
  private final int end;

  ProtoWire(byte[] bytes) {
    this(bytes, 0, bytes.length);
  }

  private ProtoWire(byte[] bytes, int start, int end) {
    this.bytes = bytes;
    this.position = start;
    this.end = end;
  }

  boolean hasMore() {
    return position < end;
  }

  /** The next field's tag: field number {@code << 3 |} wire type. */
  int tag() {
    return (int) varint();
  }

  long varint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = next();
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw malformed("a varint longer than 10 bytes");
  }

  long fixed64() {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value |= (long) (next() & 0xff) << (8 * i);
    }
    return value;
  }

  int fixed32() {
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value |= (next() & 0xff) << (8 * i);
    }
    return value;
  }

  byte[] bytes() {
    int length = length();
    byte[] copy = Arrays.copyOfRange(bytes, position, position + length);
    position += length;
    return copy;
  }

  String string() {
    int length = length();
    String s = new String(bytes, position, length, StandardCharsets.UTF_8);
    position += length;
    return s;
  }

  /** The embedded message of a length-delimited field, read in place. */
  ProtoWire message() {
    int length = length();
    ProtoWire inner = new ProtoWire(bytes, position, position + length);
    position += length;
    return inner;
  }

  void skip(int wireType) {
    switch (wireType) {
      case VARINT -> varint();
      case FIXED64 -> advance(8);
      case LENGTH_DELIMITED -> advance(length());
      case FIXED32 -> advance(4);
      default -> throw malformed("wire type " + wireType);
    }
  }

  private int length() {
    long length = varint();
    if (length < 0 || length > end - position) {
      throw malformed("a length of " + length + " bytes with " + (end - position) + " left");
    }
    return (int) length;
  }

  private void advance(int n) {
    if (n > end - position) {
      throw malformed("a field past the end of the body");
    }
    position += n;
  }

  private byte next() {
    if (position >= end) {
      throw malformed("a body that ends in the middle of a field");
    }
    return bytes[position++];
  }

  private static ApiException malformed(String what) {
    return new ApiException(
        400, "BadRequest", "the request body is not valid Kubernetes protobuf: " + what);
  }
}
