package io.kuberay.harness.emulated.streaming;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What a channel-protocol client received on one channel, in order (the channel byte dropped). */
final class ChannelMessages {

  private ChannelMessages() {}

  static byte[] bytes(List<byte[]> messages, int channel) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] m : messages) {
      if ((m[0] & 0xFF) == channel) {
        out.write(m, 1, m.length - 1);
      }
    }
    return out.toByteArray();
  }

  static String text(List<byte[]> messages, int channel) {
    return new String(bytes(messages, channel), StandardCharsets.UTF_8);
  }
}
