package io.kuberay.harness.emulated.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bearer tokens of one environment's service accounts: what the kubelet writes into a pod's
 * projected {@code token} file and what the API server's front then accepts, as a cluster's token
 * authenticator does. One random token per service account, kept in memory only; what the token may
 * do is RBAC's to say (the API server's authorizer).
 */
public final class ServiceAccountTokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** namespace/name → token. */
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  /** The token of service account {@code name} in {@code namespace}, made on first use. */
  public String issue(String namespace, String name) {
    return tokens.computeIfAbsent(
        ObjectKeys.of(namespace, name),
        k -> {
          byte[] secret = new byte[32];
          RANDOM.nextBytes(secret);
          return "sa." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        });
  }

  /** A service account a token was issued for. */
  public record Account(String namespace, String name) {}

  /**
   * The service account whose token {@code authorization} ({@code Bearer <token>}) carries, if one
   * was issued here; every token is compared, in constant time.
   */
  public Optional<Account> authenticate(String authorization) {
    if (authorization == null
        || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] offered = authorization.substring(7).trim().getBytes(StandardCharsets.US_ASCII);
    String found = null;
    for (Map.Entry<String, String> e : tokens.entrySet()) {
      if (MessageDigest.isEqual(offered, e.getValue().getBytes(StandardCharsets.US_ASCII))) {
        found = e.getKey();
      }
    }
    if (found == null) {
      return Optional.empty();
    }
    return Optional.of(new Account(ObjectKeys.namespace(found), ObjectKeys.name(found)));
  }
}
