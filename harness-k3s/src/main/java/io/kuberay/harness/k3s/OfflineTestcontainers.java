package io.kuberay.harness.k3s;

import com.github.dockerjava.api.model.Network;
import io.kuberay.harness.install.Settings;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientConfigUtils;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.utility.ResourceReaper;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * Makes Testcontainers work without a registry, from our code rather than the user's {@code
 * ~/.testcontainers.properties}: the startup checks (which pull alpine) are off, and the Ryuk
 * reaper (which pulls {@code testcontainers/ryuk}) is replaced by Testcontainers' JVM-shutdown-hook
 * reaper unless {@code kuberay.ryuk=true}. Settings the user made explicitly ({@code
 * checks.disable} in their properties, {@code TESTCONTAINERS_RYUK_DISABLED}) are left alone.
 */
final class OfflineTestcontainers {

  static final String RYUK = "kuberay.ryuk";

  private static final Logger logger = LoggerFactory.getLogger(OfflineTestcontainers.class);
  private static boolean configured;

  private OfflineTestcontainers() {}

  static synchronized void configure() {
    if (configured) {
      return;
    }
    configured = true;
    TestcontainersConfiguration config = TestcontainersConfiguration.getInstance();
    // In memory only: getUserProperties() is the live object Testcontainers reads; nothing is
    // written to disk.
    config.getUserProperties().putIfAbsent("checks.disable", "true");
    if (!Settings.flag(RYUK) && System.getenv("TESTCONTAINERS_RYUK_DISABLED") == null) {
      useShutdownHookReaper();
    }
    if (System.getenv("TESTCONTAINERS_HOST_OVERRIDE") == null) {
      presetDockerHostAddress();
    }
  }

  /**
   * Lets {@code withReuse(true)} containers be reused ({@code kuberay.k3s.reuse=true}), in memory
   * like the rest: the user need not put {@code testcontainers.reuse.enable=true} in {@code
   * ~/.testcontainers.properties}.
   */
  static void allowReuse() {
    TestcontainersConfiguration.getInstance()
        .getUserProperties()
        .put("testcontainers.reuse.enable", "true");
  }

  /**
   * Inside a container ({@code /.dockerenv}) with a {@code unix://} engine, Testcontainers learns
   * the address of the Docker host from the {@code bridge} network's gateway and, when the network
   * lists none (as with a Docker engine running inside this very container), by running an alpine
   * container: a pull that hangs for two minutes without a registry. Give it the bridge's gateway
   * (the subnet's first address) instead.
   */
  private static void presetDockerHostAddress() {
    try {
      if (!DockerClientConfigUtils.IN_A_CONTAINER) {
        return;
      }
      DockerClientFactory factory = DockerClientFactory.instance();
      Method init = DockerClientFactory.class.getDeclaredMethod("getOrInitializeStrategy");
      init.setAccessible(true);
      DockerClientProviderStrategy strategy = (DockerClientProviderStrategy) init.invoke(factory);
      if (!"unix".equals(strategy.getTransportConfig().getDockerHost().getScheme())) {
        return;
      }
      Field address = DockerClientProviderStrategy.class.getDeclaredField("dockerHostIpAddress");
      address.setAccessible(true);
      if (address.get(strategy) != null) {
        return;
      }
      Network bridge =
          strategy.getDockerClient().inspectNetworkCmd().withNetworkId("bridge").exec();
      if (bridge.getIpam() == null
          || bridge.getIpam().getConfig() == null
          || bridge.getIpam().getConfig().stream()
              .anyMatch(c -> c.getGateway() != null && !c.getGateway().isBlank())) {
        return;
      }
      bridge.getIpam().getConfig().stream()
          .map(Network.Ipam.Config::getSubnet)
          .filter(s -> s != null && s.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+"))
          .findFirst()
          .map(OfflineTestcontainers::firstAddress)
          .ifPresent(
              gateway -> {
                try {
                  address.set(strategy, gateway);
                  logger.debug(
                      "Docker host address for Testcontainers: {} (bridge gateway)", gateway);
                } catch (IllegalAccessException e) {
                  throw new IllegalStateException(e);
                }
              });
    } catch (ReflectiveOperationException | RuntimeException e) {
      logger.warn(
          "Could not preset the Docker host address ({}); if Testcontainers hangs pulling alpine, set TESTCONTAINERS_HOST_OVERRIDE",
          e.toString());
    }
  }

  static String firstAddress(String cidr) {
    String[] parts = cidr.substring(0, cidr.indexOf('/')).split("\\.");
    int prefix = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    long ip = 0;
    for (String part : parts) {
      ip = (ip << 8) | Integer.parseInt(part);
    }
    long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    long first = (ip & mask) + 1;
    return ((first >> 24) & 255)
        + "."
        + ((first >> 16) & 255)
        + "."
        + ((first >> 8) & 255)
        + "."
        + (first & 255);
  }

  /**
   * Testcontainers reads "Ryuk disabled" only from the environment variable; set the reaper it
   * would then use. Containers are still removed: by our close(), and by the JVM shutdown hook if
   * the JVM exits first.
   */
  private static void useShutdownHookReaper() {
    try {
      Field instance = ResourceReaper.class.getDeclaredField("instance");
      instance.setAccessible(true);
      synchronized (ResourceReaper.class) {
        if (instance.get(null) == null) {
          Class<?> hookReaper = Class.forName("org.testcontainers.utility.JVMHookResourceReaper");
          Constructor<?> constructor = hookReaper.getDeclaredConstructor();
          constructor.setAccessible(true);
          instance.set(null, constructor.newInstance());
          logger.debug("Ryuk disabled for the k3s backend (set {}=true to use it)", RYUK);
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      logger.warn(
          "Could not disable Ryuk ({}); if Testcontainers hangs pulling testcontainers/ryuk, set TESTCONTAINERS_RYUK_DISABLED=true",
          e.toString());
    }
  }

  static boolean ryukDisabled() {
    try {
      Field instance = ResourceReaper.class.getDeclaredField("instance");
      instance.setAccessible(true);
      Object reaper = instance.get(null);
      return reaper != null && reaper.getClass().getSimpleName().equals("JVMHookResourceReaper");
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
