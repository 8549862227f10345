package io.kuberay.harness.emulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.ExecResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The k8s channel protocol's messages and the small parsers of the streaming endpoints; the wire protocols are served by Netty (see ApiFrontTest). */
class StreamingFramesTest {

  // ---- channel protocol (v4/v5.channel.k8s.io) ---------------------------------------------------

  @Test
  void channelMessagesCarryTheChannelByteFirst() {
    byte[] m = ChannelProtocol.message(ChannelProtocol.STDERR, "oops".getBytes(StandardCharsets.UTF_8));
    assertThat(m[0]).isEqualTo((byte) 2);
    ChannelProtocol.Message decoded = ChannelProtocol.decode(m);
    assertThat(decoded.channel()).isEqualTo(ChannelProtocol.STDERR);
    assertThat(new String(decoded.data(), StandardCharsets.UTF_8)).isEqualTo("oops");
    assertThat(ChannelProtocol.decode(new byte[] {(byte) 255, 0}).channel()).isEqualTo(ChannelProtocol.CLOSE);
  }

  @Test
  void negotiationPrefersV5ThenV4() {
    assertThat(ChannelProtocol.negotiate(List.of("v5.channel.k8s.io"))).isEqualTo("v5.channel.k8s.io");
    assertThat(ChannelProtocol.negotiate(List.of("v4.channel.k8s.io", "v5.channel.k8s.io"))).isEqualTo("v5.channel.k8s.io");
    assertThat(ChannelProtocol.negotiate(List.of("v4.channel.k8s.io", "v3.channel.k8s.io"))).isEqualTo("v4.channel.k8s.io");
    assertThat(ChannelProtocol.negotiate(List.of("channel.k8s.io"))).isNull();
  }

  @Test
  @SuppressWarnings("unchecked")
  void errorChannelStatusCarriesTheExitCodeAsKubectlReadsIt() {
    Map<String, Object> ok = Json.SERDE.unmarshal(ChannelProtocol.status(new ExecResult("", "", 0, Duration.ZERO), List.of("true")), Map.class);
    assertThat(ok).containsEntry("status", "Success");
    Map<String, Object> failed = Json.SERDE.unmarshal(ChannelProtocol.status(new ExecResult("", "", 3, Duration.ZERO), List.of("false")), Map.class);
    assertThat(failed).containsEntry("status", "Failure").containsEntry("reason", "NonZeroExitCode");
    List<Map<String, Object>> causes = (List<Map<String, Object>>) ((Map<String, Object>) failed.get("details")).get("causes");
    assertThat(causes).containsExactly(Map.of("reason", "ExitCode", "message", "3"));
  }

  // ---- small parsers -------------------------------------------------------------------------------

  @Test
  void logSelectionAppliesTailLinesThenLimitBytes() {
    assertThat(LogStream.select("a\nb\nc\n", new QueryString("tailLines=2"))).isEqualTo("b\nc\n");
    assertThat(LogStream.select("a\nb\nc\n", new QueryString("tailLines=2&limitBytes=3"))).isEqualTo("b\nc");
    assertThat(new QueryString("command=python&command=-c&container=ray-head").all("command")).containsExactly("python", "-c");
  }
}
