package io.kuberay.harness.emulated.streaming;

import io.kuberay.harness.emulated.api.rbac.UserInfo;
import io.kuberay.harness.emulated.support.ServiceAccountTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * What a client must hold to talk to one emulated environment's API server: a random bearer token,
 * and the CA that signed the server's certificate. Both live in memory and in the environment's
 * kubeconfig only.
 */
public final class ApiCredentials {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String token;
  private final byte[] tokenBytes;
  private final ApiCertificates certificates;
  private final ServiceAccountTokens serviceAccounts;

  private ApiCredentials(
      String token, ApiCertificates certificates, ServiceAccountTokens serviceAccounts) {
    this.token = token;
    this.tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
    this.certificates = certificates;
    this.serviceAccounts = serviceAccounts;
  }

  static ApiCredentials generate(ServiceAccountTokens serviceAccounts) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return new ApiCredentials(
        Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
        ApiCertificates.generate(),
        serviceAccounts);
  }

  /** The CA (PEM) that signed the server's certificate: a pod's {@code ca.crt}. */
  public String caPem() {
    return certificates.caPem();
  }

  String token() {
    return token;
  }

  ApiCertificates certificates() {
    return certificates;
  }

  /**
   * Who an {@code Authorization} header says the client is: the kubeconfig's admin ({@code
   * system:masters}) for this environment's token, {@code system:serviceaccount:<ns>:<name>} for
   * one of its service accounts' (a pod's in-cluster identity); empty for anything else. Compared
   * in constant time.
   */
  Optional<UserInfo> authenticate(String authorization) {
    if (authorization == null
        || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] offered = authorization.substring(7).trim().getBytes(StandardCharsets.US_ASCII);
    if (MessageDigest.isEqual(offered, tokenBytes)) {
      return Optional.of(UserInfo.ADMIN);
    }
    return serviceAccounts
        .authenticate(authorization)
        .map(a -> UserInfo.serviceAccount(a.namespace(), a.name()));
  }

  /**
   * A kubeconfig any Kubernetes client can use to reach the server at {@code serverUrl} with these
   * credentials.
   */
  public String kubeconfig(String serverUrl) {
    String caData =
        Base64.getEncoder()
            .encodeToString(certificates.caPem().getBytes(StandardCharsets.US_ASCII));
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: kuberay-harness\n"
        + "  cluster:\n"
        + "    server: "
        + serverUrl
        + "\n"
        + "    certificate-authority-data: "
        + caData
        + "\n"
        + "contexts:\n"
        + "- name: kuberay-harness\n"
        + "  context:\n"
        + "    cluster: kuberay-harness\n"
        + "    user: kuberay-harness\n"
        + "    namespace: default\n"
        + "current-context: kuberay-harness\n"
        + "users:\n"
        + "- name: kuberay-harness\n"
        + "  user:\n"
        + "    token: "
        + token
        + "\n";
  }
}
