package io.kuberay.harness.realcluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Kubernetes clients from kubeconfigs. fabric8 assumes RSA client keys unless told otherwise; k3s
 * (and the harness's node image) issue EC keys, so the key's algorithm is detected here and set on
 * the config.
 */
public final class ClientConfigs {

  private ClientConfigs() {}

  /** A client for a kubeconfig given as YAML (its current context). */
  public static KubernetesClient client(String kubeconfigYaml) {
    return new KubernetesClientBuilder()
        .withConfig(withKeyAlgorithm(Config.fromKubeconfig(kubeconfigYaml)))
        .build();
  }

  /**
   * {@code config} with {@code clientKeyAlgo} set to {@code EC} when its client key is an EC key.
   */
  public static Config withKeyAlgorithm(Config config) {
    String pem = null;
    try {
      if (config.getClientKeyData() != null) {
        pem =
            new String(
                Base64.getMimeDecoder().decode(config.getClientKeyData()),
                StandardCharsets.US_ASCII);
      } else if (config.getClientKeyFile() != null
          && Files.isRegularFile(Path.of(config.getClientKeyFile()))) {
        pem = Files.readString(Path.of(config.getClientKeyFile()), StandardCharsets.US_ASCII);
      }
    } catch (Exception e) {
      return config;
    }
    if (pem != null && isEc(pem)) {
      config.setClientKeyAlgo("EC");
    }
    return config;
  }

  static boolean isEc(String pem) {
    if (pem.contains("BEGIN EC PRIVATE KEY")) {
      return true;
    }
    if (!pem.contains("BEGIN PRIVATE KEY")) {
      return false;
    }
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
