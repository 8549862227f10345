package io.kuberay.harness.ray;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Where KubeRay v1.6+ keeps a RayCluster's Ray auth token ({@code authOptions.mode: token}), read
 * as the operator's {@code GetRayDashboardClientFunc} reads it: key {@code auth_token} of the
 * Secret {@code authOptions.secretName}, else of the Secret the operator creates under the
 * cluster's name ({@code utils.CheckName}).
 */
public final class RayAuthToken {

  /** {@code utils.RAY_AUTH_TOKEN_SECRET_KEY}. */
  public static final String SECRET_KEY = "auth_token";

  private static final int MAX_NAME = 50;

  private RayAuthToken() {}

  /** Whether a RayCluster spec asks for token authentication ({@code utils.IsAuthEnabled}). */
  public static boolean tokenMode(Map<String, Object> clusterSpec) {
    return "token".equals(authOptions(clusterSpec).get("mode"));
  }

  /**
   * Whether a RayCluster spec delegates token checks to Kubernetes ({@code
   * authOptions.enableK8sTokenAuth}, {@code utils.IsK8sAuthEnabled}): no Secret then; clients send
   * Kubernetes tokens.
   */
  public static boolean k8sDelegated(Map<String, Object> clusterSpec) {
    return Boolean.TRUE.equals(authOptions(clusterSpec).get("enableK8sTokenAuth"));
  }

  /** The token Secret's name for the cluster: {@code authOptions.secretName}, else its own. */
  public static String secretName(String clusterName, Map<String, Object> clusterSpec) {
    Object own = authOptions(clusterSpec).get("secretName");
    return own instanceof String s && !s.isEmpty() ? s : checkName(clusterName);
  }

  /**
   * The cluster's token, empty when the spec does not ask for token mode.
   *
   * @throws IllegalStateException naming the Secret when it or its key is missing, with the
   *     operator's wording
   */
  public static Optional<String> read(
      KubernetesClient client, String namespace, String clusterName, Map<String, Object> spec) {
    if (!tokenMode(spec)) {
      return Optional.empty();
    }
    String name = secretName(clusterName, spec);
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "failed to get auth secret " + namespace + "/" + name + ": " + e.getMessage(), e);
    }
    if (secret == null) {
      throw new IllegalStateException(
          "failed to get auth secret "
              + namespace
              + "/"
              + name
              + ": secrets \""
              + name
              + "\" not found (RayCluster "
              + clusterName
              + " has authOptions.mode token: the operator creates this Secret unless"
              + " authOptions.secretName names one of the user's)");
    }
    String token = value(secret);
    if (token == null) {
      throw new IllegalStateException(
          "auth token key '\"" + SECRET_KEY + "\"' not found in secret " + namespace + "/" + name);
    }
    return Optional.of(token);
  }

  /**
   * KubeRay's {@code utils.CheckName}: a name over 50 characters loses its first characters down to
   * 50, and one that then starts with a digit or punctuation gets an {@code r} instead.
   */
  public static String checkName(String name) {
    String s = name.length() > MAX_NAME ? name.substring(name.length() - MAX_NAME) : name;
    if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) || isPunct(s.charAt(0)))) {
      s = "r" + s.substring(1);
    }
    return s;
  }

  private static boolean isPunct(char c) {
    int type = Character.getType(c);
    return type == Character.DASH_PUNCTUATION
        || type == Character.OTHER_PUNCTUATION
        || type == Character.CONNECTOR_PUNCTUATION
        || type == Character.START_PUNCTUATION
        || type == Character.END_PUNCTUATION;
  }

  private static String value(Secret secret) {
    if (secret.getData() != null && secret.getData().get(SECRET_KEY) != null) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(SECRET_KEY)), StandardCharsets.UTF_8);
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(SECRET_KEY);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> authOptions(Map<String, Object> spec) {
    Object auth = spec == null ? null : spec.get("authOptions");
    return auth instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
