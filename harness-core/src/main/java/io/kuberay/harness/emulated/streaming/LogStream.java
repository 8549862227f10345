package io.kuberay.harness.emulated.streaming;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.support.LogSelection;
import io.kuberay.harness.emulated.support.PodContainers;
import io.kuberay.harness.emulated.support.QueryString;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET pods/{name}/log}: the container's output with {@code tailLines} and {@code
 * limitBytes}; with {@code follow=true} a chunked stream that polls for new output until the client
 * leaves or the pod is gone.
 */
final class LogStream {

  private static final long POLL_MILLIS = 1_000;

  private final PodStreams pods;
  private final Channel channel;
  private final String namespace;
  private final String name;
  private final QueryString query;
  private final boolean keepAlive;

  LogStream(
      PodStreams pods,
      Channel channel,
      String namespace,
      String name,
      QueryString query,
      boolean keepAlive) {
    this.pods = pods;
    this.channel = channel;
    this.namespace = namespace;
    this.name = name;
    this.query = query;
    this.keepAlive = keepAlive;
  }

  /** Answers on the channel; a follow keeps polling on the channel's event loop until it ends. */
  void run() {
    Optional<Pod> pod = pods.pod(namespace, name);
    if (pod.isEmpty()) {
      full(
          404,
          ApiErrors.status(404, "NotFound", "pods \"" + name + "\" not found").getBody().readUtf8(),
          "application/json");
      return;
    }
    String container;
    boolean previous = query.flag("previous");
    String text;
    String all;
    try {
      // kube-apiserver picks the container (or refuses), then the kubelet serves its log.
      container = PodContainers.resolve(pod.get(), query.first("container"));
      all = pods.logs(pod.get(), container, previous);
      text = LogSelection.select(all, query);
    } catch (RuntimeException e) {
      full(
          400,
          ApiErrors.status(400, "BadRequest", String.valueOf(e.getMessage())).getBody().readUtf8(),
          "application/json");
      return;
    }
    if (!query.flag("follow") || previous) {
      // A terminated instance's log is complete: nothing to follow.
      full(200, text, "text/plain");
      return;
    }
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    HttpUtil.setKeepAlive(head, keepAlive);
    channel.write(head);
    chunk(text);
    int[] sent = {all.length()};
    ScheduledFuture<?>[] poll = new ScheduledFuture<?>[1];
    poll[0] =
        channel
            .eventLoop()
            .scheduleWithFixedDelay(
                () -> {
                  Optional<Pod> now =
                      channel.isActive() ? pods.pod(namespace, name) : Optional.empty();
                  if (now.isEmpty()) {
                    poll[0].cancel(false);
                    end();
                    return;
                  }
                  String current;
                  try {
                    current = pods.logs(now.get(), container, false);
                  } catch (RuntimeException e) {
                    return; // between instances: nothing new to send yet
                  }
                  if (current.length() < sent[0]) {
                    // A new instance of the container: the followed one ended, and so does the
                    // stream, as the kubelet's.
                    poll[0].cancel(false);
                    end();
                    return;
                  }
                  if (current.length() > sent[0]) {
                    chunk(current.substring(sent[0]));
                    sent[0] = current.length();
                  }
                },
                POLL_MILLIS,
                POLL_MILLIS,
                TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(f -> poll[0].cancel(false));
  }

  private void full(int code, String body, String contentType) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse out =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), Unpooled.wrappedBuffer(bytes));
    out.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    HttpUtil.setContentLength(out, bytes.length);
    HttpUtil.setKeepAlive(out, keepAlive);
    ChannelFuture written = channel.writeAndFlush(out);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void chunk(String text) {
    if (!text.isEmpty()) {
      channel.writeAndFlush(
          new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
    } else {
      channel.flush();
    }
  }

  private void end() {
    if (channel.isActive()) {
      ChannelFuture written = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
