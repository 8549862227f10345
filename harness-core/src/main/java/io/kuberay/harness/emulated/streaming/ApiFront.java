package io.kuberay.harness.emulated.streaming;

import io.kuberay.harness.emulated.api.ApiDispatcher;
import io.kuberay.harness.emulated.support.ServiceAccountTokens;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated API server's network endpoint, as kubectl, helm and any kubeconfig client see it:
 * HTTPS on a loopback port with the environment's own certificates, a bearer token checked on every
 * request, and the API served by Netty's HTTP codec straight from the {@link ApiDispatcher} and the
 * store's watches, with the streaming upgrades ({@code pods/exec}, {@code pods/portforward})
 * alongside (see {@link ApiFrontHandler}).
 *
 * <p>The port is bound at once; the credentials are made when a kubeconfig is first asked for, and
 * Netty starts on the first connection, so a test that never leaves the JVM loads neither.
 */
public final class ApiFront implements AutoCloseable {

  /**
   * The largest request body; kube-apiserver's own limit is 3 MiB for objects, larger writes fail
   * there too.
   */
  static final int MAX_BODY = 32 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ApiFront.class);

  private final ServerSocketChannel socket;

  /**
   * Made on a thread of its own from the start: a cold BouncyCastle takes seconds, which must not
   * hold up the environment's start (the CA is published as a controller publishes it, when ready).
   */
  private final CompletableFuture<ApiCredentials> credentials;

  private final ApiDispatcher dispatcher;
  private final PodStreams pods;
  private final ServiceAccountTokens serviceAccounts;
  private volatile EventLoopGroup loop;
  private volatile EventExecutorGroup blocking;
  private volatile ExecutorService sessions;
  private volatile Channel channel;
  private volatile ChannelGroup connections;
  private volatile boolean closed;

  private ApiFront(
      ServerSocketChannel socket,
      ApiDispatcher dispatcher,
      PodStreams pods,
      ServiceAccountTokens serviceAccounts) {
    this.socket = socket;
    this.serviceAccounts = serviceAccounts;
    this.credentials = new CompletableFuture<>();
    daemon("emulated-api-credentials", this::makeCredentials).start();
    this.dispatcher = dispatcher;
    this.pods = pods;
  }

  /**
   * Binds this loopback port (0: a free one) now; the first connection to it starts the server. It
   * accepts the environment's token and the tokens of the dispatcher's service accounts (what pods
   * talk to it with), which RBAC then authorizes.
   */
  public static ApiFront start(ApiDispatcher dispatcher, PodStreams pods, int port) {
    ServerSocketChannel socket;
    try {
      socket = ServerSocketChannel.open();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    } catch (IOException e) {
      throw new UncheckedIOException(
          port == 0
              ? "Cannot listen on a loopback port for the emulated API server"
              : "Cannot listen on "
                  + InetAddress.getLoopbackAddress().getHostAddress()
                  + ":"
                  + port
                  + " for the emulated API server ("
                  + e.getMessage()
                  + "); is another emulated cluster using it? Choose another port (kuberay.api.port, up --port) or 0 for a free one",
          e);
    }
    ApiFront front = new ApiFront(socket, dispatcher, pods, dispatcher.serviceAccountTokens());
    daemon("emulated-api-first-accept", front::awaitFirstConnection).start();
    return front;
  }

  /** Blocks in accept until a client comes, then hands that connection and the socket to Netty. */
  private void awaitFirstConnection() {
    SocketChannel first;
    try {
      first = socket.accept();
    } catch (IOException e) {
      return; // closed before anyone connected
    }
    try {
      serve(first);
    } catch (RuntimeException | SSLException e) {
      LOG.warn(
          "The emulated API server's HTTPS front failed to start; kubeconfig clients cannot connect",
          e);
      closeQuietly(first);
      close();
    }
  }

  private synchronized void serve(SocketChannel first) throws SSLException {
    if (closed) {
      closeQuietly(first);
      return;
    }
    ApiCredentials creds = credentials();
    SslContext tls = tls(creds.certificates());
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            2, daemonThreads("emulated-api-io-"), NioIoHandler.newFactory());
    EventExecutorGroup streams =
        new DefaultEventExecutorGroup(64, daemonThreads("emulated-api-stream-"));
    ExecutorService execs = Executors.newCachedThreadPool(daemonThreads("emulated-api-exec-"));
    ChannelGroup open = new DefaultChannelGroup(group.next());
    loop = group;
    blocking = streams;
    sessions = execs;
    connections = open;
    ApiFrontHandler.Context context =
        new ApiFrontHandler.Context(dispatcher, pods, creds, streams, execs);
    ChannelInitializer<Channel> init =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            open.add(ch);
            ch.config().setOption(ChannelOption.TCP_NODELAY, true);
            ch.pipeline()
                .addLast("tls", tls.newHandler(ch.alloc()))
                .addLast(ApiFrontHandler.HTTP_CODEC, new HttpServerCodec())
                .addLast(ApiFrontHandler.AGGREGATOR, new HttpObjectAggregator(MAX_BODY))
                .addLast(ApiFrontHandler.NAME, new ApiFrontHandler(context));
          }
        };
    // The connection accepted before Netty ran, then the bound socket: registering it starts
    // accepting.
    NioSocketChannel accepted = new NioSocketChannel(null, first);
    accepted.pipeline().addLast(init);
    group.register(accepted);
    channel =
        new ServerBootstrap()
            .group(group)
            .channelFactory(() -> new NioServerSocketChannel(socket))
            .childHandler(init)
            .register()
            .syncUninterruptibly()
            .channel();
  }

  private static SslContext tls(ApiCertificates certificates) throws SSLException {
    return SslContextBuilder.forServer(
            certificates.serverKey(), certificates.server(), certificates.ca())
        .sslProvider(SslProvider.JDK)
        .build();
  }

  public String url() {
    return "https://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
  }

  public int port() {
    return socket.socket().getLocalPort();
  }

  /**
   * The token and certificates, made on the first call (a kubeconfig asked for, or the first
   * connection): a test that stays in the JVM never loads BouncyCastle for them.
   */
  public ApiCredentials credentials() {
    try {
      return credentials.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** The CA's PEM once the credentials are made. */
  public CompletableFuture<String> caPem() {
    return credentials.thenApply(ApiCredentials::caPem);
  }

  private void makeCredentials() {
    try {
      credentials.complete(ApiCredentials.generate(serviceAccounts));
    } catch (RuntimeException e) {
      credentials.completeExceptionally(e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    Channel ch = channel;
    if (ch != null) {
      ch.close().syncUninterruptibly();
    } else {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    // Connections first: their sessions' handlers run on the executors shut down below.
    ChannelGroup open = connections;
    if (open != null) {
      open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    // The event loops before the stream executors: a closing connection hands its session handlers'
    // removal
    // to those executors, which must still run it.
    EventLoopGroup group = loop;
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    EventExecutorGroup streams = blocking;
    if (streams != null) {
      streams.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
    ExecutorService execs = sessions;
    if (execs != null) {
      execs.shutdownNow();
    }
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // gone already
    }
  }

  private static Thread daemon(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
