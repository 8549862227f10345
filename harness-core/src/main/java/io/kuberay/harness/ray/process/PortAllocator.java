package io.kuberay.harness.ray.process;

import io.kuberay.harness.Internal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out free loopback ports. Single ports come from the kernel (bind to port 0); contiguous
 * ranges for worker processes are picked below the ephemeral range (32768+) so the kernel does not
 * hand them out to others, and outside 23000-23999, where a head's Ray Client proxy starts one
 * server per client (Ray's fixed {@code MIN/MAX_SPECIFIC_SERVER_PORT}): in a pod of its own that
 * range is always free, but here every node shares the loopback address. A port is never handed out
 * twice by this JVM, since Ray binds it only seconds later.
 */
@Internal
public final class PortAllocator {

  private static final int RANGE_FLOOR = 20_000;
  private static final int RANGE_CEILING = 32_000;
  private static final int CLIENT_SERVERS_FROM = 23_000;
  private static final int CLIENT_SERVERS_TO = 24_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private PortAllocator() {}

  public static int freePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = s.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new IllegalStateException("Cannot bind a loopback port: " + e.getMessage(), e);
      }
    }
    throw new IllegalStateException("No free loopback port after 50 attempts");
  }

  /** The first port of {@code count} consecutive free ports. */
  static int freeRange(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(RANGE_FLOOR, RANGE_CEILING - count);
      if (!overlapsClientServers(base, count) && rangeFree(base, count)) {
        for (int p = base; p < base + count; p++) {
          if (!HANDED_OUT.add(p)) {
            for (int q = base; q < p; q++) {
              HANDED_OUT.remove(q);
            }
            base = -1;
            break;
          }
        }
        if (base > 0) {
          return base;
        }
      }
    }
    throw new IllegalStateException(
        "No " + count + " consecutive free loopback ports in " + RANGE_FLOOR + "-" + RANGE_CEILING);
  }

  static boolean overlapsClientServers(int base, int count) {
    return base < CLIENT_SERVERS_TO && base + count > CLIENT_SERVERS_FROM;
  }

  private static boolean rangeFree(int base, int count) {
    for (int p = base; p < base + count; p++) {
      if (HANDED_OUT.contains(p) || !bindable(p)) {
        return false;
      }
    }
    return true;
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
