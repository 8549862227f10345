package io.kuberay.harness.emulated.streaming;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * SPDY/3.1 framing as Kubernetes port-forward uses it (the moby/spdystream dialect): control frames
 * SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE, and data frames. Header
 * blocks are zlib-compressed with the SPDY/3 dictionary, one compression context per direction for the
 * whole connection, each block ending with a sync flush.
 */
final class SpdyFrames {

  static final int VERSION = 3;

  static final int SYN_STREAM = 1;
  static final int SYN_REPLY = 2;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int PING = 6;
  static final int GOAWAY = 7;
  static final int HEADERS = 8;
  static final int WINDOW_UPDATE = 9;

  static final int FLAG_FIN = 0x01;

  static final int RST_PROTOCOL_ERROR = 1;
  static final int RST_REFUSED_STREAM = 3;
  static final int RST_CANCEL = 5;
  static final int RST_INTERNAL_ERROR = 6;

  /** Largest payload this codec accepts or writes in one frame (the format allows 2^24 - 1). */
  static final int MAX_LENGTH = (1 << 24) - 1;

  /** The SPDY/3 header compression dictionary (SPDY draft 3, section 2.6.10.1). */
  static final byte[] DICTIONARY =
      ("\000\000\000\007options\000\000\000\004head\000\000\000\004post\000\000\000\003put\000\000\000\006" +
          "delete\000\000\000\005trace\000\000\000\006accept\000\000\000\016accept-charset\000\000\000\017a" +
          "ccept-encoding\000\000\000\017accept-language\000\000\000\015accept-ranges\000\000\000\003age\000" +
          "\000\000\005allow\000\000\000\015authorization\000\000\000\015cache-control\000\000\000\012conne" +
          "ction\000\000\000\014content-base\000\000\000\020content-encoding\000\000\000\020content-languag" +
          "e\000\000\000\016content-length\000\000\000\020content-location\000\000\000\013content-md5\000\000" +
          "\000\015content-range\000\000\000\014content-type\000\000\000\004date\000\000\000\004etag\000\000" +
          "\000\006expect\000\000\000\007expires\000\000\000\004from\000\000\000\004host\000\000\000\010if-" +
          "match\000\000\000\021if-modified-since\000\000\000\015if-none-match\000\000\000\010if-range\000\000" +
          "\000\023if-unmodified-since\000\000\000\015last-modified\000\000\000\010location\000\000\000\014" +
          "max-forwards\000\000\000\006pragma\000\000\000\022proxy-authenticate\000\000\000\023proxy-author" +
          "ization\000\000\000\005range\000\000\000\007referer\000\000\000\013retry-after\000\000\000\006se" +
          "rver\000\000\000\002te\000\000\000\007trailer\000\000\000\021transfer-encoding\000\000\000\007up" +
          "grade\000\000\000\012user-agent\000\000\000\004vary\000\000\000\003via\000\000\000\007warning\000" +
          "\000\000\020www-authenticate\000\000\000\006method\000\000\000\003get\000\000\000\006status\000\000" +
          "\000\006200 OK\000\000\000\007version\000\000\000\010HTTP/1.1\000\000\000\003url\000\000\000\006" +
          "public\000\000\000\012set-cookie\000\000\000\012keep-alive\000\000\000\006origin1001012012022052" +
          "06300302303304305306307402405406407408409410411412413414415416417502504505203 Non-Authoritative " +
          "Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 No" +
          "t Found500 Internal Server Error501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Ju" +
          "n Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,imag" +
          "e/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,publi" +
          "cprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.").getBytes(StandardCharsets.ISO_8859_1);

  private SpdyFrames() {}

  /** A decoded frame. */
  sealed interface Frame permits SynStream, SynReply, RstStream, Settings, Ping, GoAway, Headers, WindowUpdate, Data {}

  record SynStream(int streamId, int associatedTo, int priority, int flags, Map<String, List<String>> headers) implements Frame {}

  record SynReply(int streamId, int flags, Map<String, List<String>> headers) implements Frame {}

  record RstStream(int streamId, int status) implements Frame {}

  record Settings(int flags, Map<Integer, Integer> values) implements Frame {}

  record Ping(int id) implements Frame {}

  record GoAway(int lastGoodStreamId, int status) implements Frame {}

  record Headers(int streamId, int flags, Map<String, List<String>> headers) implements Frame {}

  record WindowUpdate(int streamId, int delta) implements Frame {}

  record Data(int streamId, int flags, byte[] data) implements Frame {
    boolean fin() {
      return (flags & FLAG_FIN) != 0;
    }
  }

  /** The first header value, names being lower case on the wire. */
  static String header(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Reads frames from one direction of a connection. Not thread-safe: one reader per connection. */
  static final class Reader {
    private final InputStream in;
    private final Inflater inflater = new Inflater();

    Reader(InputStream in) {
      this.in = in;
    }

    /** The next frame, or null when the stream ends cleanly between frames. Unknown control frames are skipped. */
    Frame read() throws IOException {
      while (true) {
        byte[] head = in.readNBytes(8);
        if (head.length == 0) {
          return null;
        }
        if (head.length < 8) {
          throw new EOFException("connection closed inside a SPDY frame header");
        }
        ByteBuffer h = ByteBuffer.wrap(head);
        int first = h.getInt();
        int flagsAndLength = h.getInt();
        int flags = flagsAndLength >>> 24;
        int length = flagsAndLength & 0xFFFFFF;
        byte[] payload = WebSocketFrames.readFully(in, length);
        if (first >= 0) {
          return new Data(first & 0x7FFFFFFF, flags, payload);
        }
        int version = (first >>> 16) & 0x7FFF;
        int type = first & 0xFFFF;
        if (version != VERSION) {
          throw new IOException("unsupported SPDY version " + version);
        }
        Frame frame = control(type, flags, ByteBuffer.wrap(payload));
        if (frame != null) {
          return frame;
        }
      }
    }

    private Frame control(int type, int flags, ByteBuffer p) throws IOException {
      switch (type) {
        case SYN_STREAM: {
          int id = p.getInt() & 0x7FFFFFFF;
          int assoc = p.getInt() & 0x7FFFFFFF;
          int priority = (p.get() & 0xFF) >>> 5;
          p.get(); // slot
          return new SynStream(id, assoc, priority, flags, headerBlock(p));
        }
        case SYN_REPLY:
          return new SynReply(p.getInt() & 0x7FFFFFFF, flags, headerBlock(p));
        case RST_STREAM:
          return new RstStream(p.getInt() & 0x7FFFFFFF, p.getInt());
        case SETTINGS: {
          int count = p.getInt();
          Map<Integer, Integer> values = new LinkedHashMap<>();
          for (int k = 0; k < count && p.remaining() >= 8; k++) {
            int id = p.getInt() & 0xFFFFFF;
            values.put(id, p.getInt());
          }
          return new Settings(flags, values);
        }
        case PING:
          return new Ping(p.getInt());
        case GOAWAY:
          return new GoAway(p.getInt() & 0x7FFFFFFF, p.remaining() >= 4 ? p.getInt() : 0);
        case HEADERS:
          return new Headers(p.getInt() & 0x7FFFFFFF, flags, headerBlock(p));
        case WINDOW_UPDATE:
          return new WindowUpdate(p.getInt() & 0x7FFFFFFF, p.getInt() & 0x7FFFFFFF);
        default:
          return null;
      }
    }

    private Map<String, List<String>> headerBlock(ByteBuffer p) throws IOException {
      byte[] compressed = new byte[p.remaining()];
      p.get(compressed);
      return decodeHeaderBlock(inflate(compressed));
    }

    private byte[] inflate(byte[] compressed) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      inflater.setInput(compressed);
      byte[] buf = new byte[4096];
      try {
        while (true) {
          int n = inflater.inflate(buf);
          if (n > 0) {
            out.write(buf, 0, n);
          } else if (inflater.needsDictionary()) {
            inflater.setDictionary(DICTIONARY);
          } else if (inflater.needsInput() || inflater.finished()) {
            break;
          }
        }
      } catch (DataFormatException e) {
        throw new IOException("corrupt SPDY header block: " + e.getMessage(), e);
      }
      return out.toByteArray();
    }
  }

  /** Encodes frames for one direction of a connection; callers serialize access (header compression is stateful). */
  static final class Writer {
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);

    Writer() {
      deflater.setDictionary(DICTIONARY);
    }

    byte[] encode(Frame frame) {
      if (frame instanceof Data d) {
        if (d.data().length > MAX_LENGTH) {
          throw new IllegalArgumentException("SPDY data frame too large: " + d.data().length);
        }
        ByteBuffer b = ByteBuffer.allocate(8 + d.data().length);
        b.putInt(d.streamId() & 0x7FFFFFFF);
        b.putInt((d.flags() << 24) | d.data().length);
        b.put(d.data());
        return b.array();
      }
      if (frame instanceof SynStream s) {
        byte[] block = deflate(encodeHeaderBlock(s.headers()));
        return control(SYN_STREAM, s.flags(), ByteBuffer.allocate(10 + block.length)
            .putInt(s.streamId()).putInt(s.associatedTo()).put((byte) (s.priority() << 5)).put((byte) 0).put(block));
      }
      if (frame instanceof SynReply r) {
        byte[] block = deflate(encodeHeaderBlock(r.headers()));
        return control(SYN_REPLY, r.flags(), ByteBuffer.allocate(4 + block.length).putInt(r.streamId()).put(block));
      }
      if (frame instanceof Headers r) {
        byte[] block = deflate(encodeHeaderBlock(r.headers()));
        return control(HEADERS, r.flags(), ByteBuffer.allocate(4 + block.length).putInt(r.streamId()).put(block));
      }
      if (frame instanceof RstStream r) {
        return control(RST_STREAM, 0, ByteBuffer.allocate(8).putInt(r.streamId()).putInt(r.status()));
      }
      if (frame instanceof Settings s) {
        ByteBuffer b = ByteBuffer.allocate(4 + 8 * s.values().size()).putInt(s.values().size());
        s.values().forEach((id, value) -> b.putInt(id & 0xFFFFFF).putInt(value));
        return control(SETTINGS, s.flags(), b);
      }
      if (frame instanceof Ping p) {
        return control(PING, 0, ByteBuffer.allocate(4).putInt(p.id()));
      }
      if (frame instanceof GoAway g) {
        return control(GOAWAY, 0, ByteBuffer.allocate(8).putInt(g.lastGoodStreamId()).putInt(g.status()));
      }
      if (frame instanceof WindowUpdate w) {
        return control(WINDOW_UPDATE, 0, ByteBuffer.allocate(8).putInt(w.streamId()).putInt(w.delta()));
      }
      throw new IllegalArgumentException("unknown frame " + frame);
    }

    private static byte[] control(int type, int flags, ByteBuffer payload) {
      int length = payload.position();
      ByteBuffer b = ByteBuffer.allocate(8 + length);
      b.putShort((short) (0x8000 | VERSION));
      b.putShort((short) type);
      b.putInt((flags << 24) | length);
      b.put(payload.array(), 0, length);
      return b.array();
    }

    private byte[] deflate(byte[] raw) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      deflater.setInput(raw);
      byte[] buf = new byte[4096];
      int n;
      do {
        n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        out.write(buf, 0, n);
      } while (n == buf.length || !deflater.needsInput());
      return out.toByteArray();
    }
  }

  /** The uncompressed name/value block: count, then length-prefixed names and NUL-joined values. */
  static byte[] encodeHeaderBlock(Map<String, List<String>> headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeInt(out, headers.size());
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      byte[] name = e.getKey().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8);
      byte[] value = String.join("\0", e.getValue()).getBytes(StandardCharsets.UTF_8);
      writeInt(out, name.length);
      out.write(name, 0, name.length);
      writeInt(out, value.length);
      out.write(value, 0, value.length);
    }
    return out.toByteArray();
  }

  static Map<String, List<String>> decodeHeaderBlock(byte[] block) throws IOException {
    try {
      ByteBuffer b = ByteBuffer.wrap(block);
      int count = b.getInt();
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (int k = 0; k < count; k++) {
        byte[] name = new byte[b.getInt()];
        b.get(name);
        byte[] value = new byte[b.getInt()];
        b.get(value);
        List<String> values = headers.computeIfAbsent(new String(name, StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT), n -> new ArrayList<>());
        values.addAll(List.of(new String(value, StandardCharsets.UTF_8).split("\0", -1)));
      }
      return headers;
    } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
      throw new IOException("malformed SPDY header block", e);
    }
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}
