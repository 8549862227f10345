package io.kuberay.harness.emulated.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The bearer tokens of one environment's service accounts: what the kubelet writes into a pod's
 * projected {@code token} file and what the API server's front then accepts, as a cluster's token
 * authenticator does. One token per service account, kept in memory only; what the token may do is
 * RBAC's to say (the API server's authorizer). Shaped as kube-apiserver's are, a signed JWT with
 * its claims ({@code sub}, {@code aud}, {@code exp}, {@code kubernetes.io}), since clients read
 * them: Ray 2.55+ takes {@code exp} to know when to read its token again, and warns on every
 * connection about a token that is no JWT. The signing key is this environment's alone; the server
 * accepts exactly the tokens it issued.
 */
public final class ServiceAccountTokens {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  /** kube-apiserver's default issuer and audiences (k3s adds its own audience). */
  private static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

  public static final List<String> AUDIENCES = List.of(ISSUER, "k3s");

  /** As long as kube-apiserver extends a kubelet's projected token to: these never expire here. */
  private static final Duration LIFETIME = Duration.ofDays(365);

  /** namespace/name → the token issued for the account, and that account's uid. */
  private final Map<String, Issued> tokens = new ConcurrentHashMap<>();

  private final BiFunction<String, String, Optional<String>> accountUid;
  private final KeyPair signingKey;
  private final String keyId;

  private record Issued(String token, String uid) {}

  /** Tokens for accounts that all exist, none ever deleted: a registry without an API server. */
  public ServiceAccountTokens() {
    this((namespace, name) -> Optional.of(""));
  }

  /**
   * @param accountUid the uid of service account (namespace, name), empty when there is none
   */
  public ServiceAccountTokens(BiFunction<String, String, Optional<String>> accountUid) {
    this.accountUid = accountUid;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      signingKey = generator.generateKeyPair();
      // Named as kube-apiserver names its keys: a digest of the public key.
      keyId =
          BASE64URL.encodeToString(
              MessageDigest.getInstance("SHA-256").digest(signingKey.getPublic().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot make the service account signing key: " + e, e);
    }
  }

  /**
   * The token of service account {@code name} in {@code namespace}, made on first use and again for
   * a new account of that name.
   */
  public String issue(String namespace, String name) {
    String uid = accountUid.apply(namespace, name).orElse("");
    return tokens
        .compute(
            ObjectKeys.of(namespace, name),
            (k, issued) ->
                issued != null && issued.uid().equals(uid)
                    ? issued
                    : new Issued(jwt(namespace, name, uid), uid))
        .token();
  }

  private String jwt(String namespace, String name, String uid) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "ES256");
    header.put("kid", keyId);
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", AUDIENCES);
    claims.put("exp", now + LIFETIME.toSeconds());
    claims.put("iat", now);
    claims.put("iss", ISSUER);
    claims.put("jti", UUID.randomUUID().toString());
    claims.put(
        "kubernetes.io",
        Map.of("namespace", namespace, "serviceaccount", Map.of("name", name, "uid", uid)));
    claims.put("nbf", now);
    claims.put("sub", "system:serviceaccount:" + namespace + ":" + name);
    String signed = part(Json.write(header)) + "." + part(Json.write(claims));
    try {
      Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
      signature.initSign(signingKey.getPrivate(), RANDOM);
      signature.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + BASE64URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot sign a service account token: " + e, e);
    }
  }

  private static String part(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The key that verifies this environment's tokens. */
  PublicKey publicKey() {
    return signingKey.getPublic();
  }

  /** A service account a token was issued for. */
  public record Account(String namespace, String name, String uid) {}

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
    String uid = null;
    for (Map.Entry<String, Issued> e : tokens.entrySet()) {
      if (MessageDigest.isEqual(
          offered, e.getValue().token().getBytes(StandardCharsets.US_ASCII))) {
        found = e.getKey();
        uid = e.getValue().uid();
      }
    }
    if (found == null) {
      return Optional.empty();
    }
    String namespace = ObjectKeys.namespace(found);
    String name = ObjectKeys.name(found);
    return accountUid
        .apply(namespace, name)
        .filter(uid::equals)
        .map(current -> new Account(namespace, name, current));
  }
}
