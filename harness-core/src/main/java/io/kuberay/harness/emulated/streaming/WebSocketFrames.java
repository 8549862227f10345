package io.kuberay.harness.emulated.streaming;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * RFC 6455 frame encoding and decoding, just what the streaming endpoints need: a server writes unmasked
 * frames, reads masked ones (a client must mask), and answers pings and closes.
 */
final class WebSocketFrames {

  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  static final int NORMAL_CLOSURE = 1000;

  /** Refuse frames above this size: nothing the Kubernetes clients send comes near it. */
  static final long MAX_PAYLOAD = 64L * 1024 * 1024;

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private WebSocketFrames() {}

  /** One frame on the wire, payload already unmasked. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    boolean isControl() {
      return (opcode & 0x8) != 0;
    }
  }

  /** The {@code Sec-WebSocket-Accept} value for a client's {@code Sec-WebSocket-Key}. */
  static String acceptKey(String clientKey) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((clientKey.trim() + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available", e);
    }
  }

  /** A server frame: never masked. */
  static byte[] encode(int opcode, byte[] payload, boolean fin) {
    return encode(opcode, payload, fin, null);
  }

  /** A frame, masked with {@code mask} (4 bytes) when it is given, as a client must. */
  static byte[] encode(int opcode, byte[] payload, boolean fin, byte[] mask) {
    int len = payload.length;
    int headerLen = 2 + (len < 126 ? 0 : len <= 0xFFFF ? 2 : 8) + (mask == null ? 0 : 4);
    byte[] out = new byte[headerLen + len];
    out[0] = (byte) ((fin ? 0x80 : 0) | (opcode & 0x0F));
    int i = 1;
    int maskBit = mask == null ? 0 : 0x80;
    if (len < 126) {
      out[i++] = (byte) (maskBit | len);
    } else if (len <= 0xFFFF) {
      out[i++] = (byte) (maskBit | 126);
      out[i++] = (byte) (len >>> 8);
      out[i++] = (byte) len;
    } else {
      out[i++] = (byte) (maskBit | 127);
      long l = len;
      for (int shift = 56; shift >= 0; shift -= 8) {
        out[i++] = (byte) (l >>> shift);
      }
    }
    if (mask != null) {
      System.arraycopy(mask, 0, out, i, 4);
      i += 4;
      for (int k = 0; k < len; k++) {
        out[i + k] = (byte) (payload[k] ^ mask[k & 3]);
      }
    } else {
      System.arraycopy(payload, 0, out, i, len);
    }
    return out;
  }

  /** The payload of a close frame: the status code, then the UTF-8 reason. */
  static byte[] closePayload(int code, String reason) {
    byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + Math.min(text.length, 123)];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, payload.length - 2);
    return payload;
  }

  /** Reads one frame; EOFException when the stream ends before a frame starts or inside one. */
  static Frame read(InputStream in) throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      throw new EOFException("connection closed");
    }
    int b1 = readByte(in);
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0F;
    boolean masked = (b1 & 0x80) != 0;
    long len = b1 & 0x7F;
    if (len == 126) {
      len = (readByte(in) << 8) | readByte(in);
    } else if (len == 127) {
      len = 0;
      for (int k = 0; k < 8; k++) {
        len = (len << 8) | readByte(in);
      }
    }
    if (len < 0 || len > MAX_PAYLOAD) {
      throw new IOException("WebSocket frame too large: " + len + " bytes");
    }
    byte[] mask = masked ? readFully(in, 4) : null;
    byte[] payload = readFully(in, (int) len);
    if (mask != null) {
      for (int k = 0; k < payload.length; k++) {
        payload[k] ^= mask[k & 3];
      }
    }
    return new Frame(fin, opcode, payload);
  }

  private static int readByte(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("connection closed inside a WebSocket frame");
    }
    return b;
  }

  static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] buf = in.readNBytes(n);
    if (buf.length != n) {
      throw new EOFException("connection closed inside a WebSocket frame");
    }
    return buf;
  }
}
