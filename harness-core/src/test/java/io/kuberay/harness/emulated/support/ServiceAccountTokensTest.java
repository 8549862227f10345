package io.kuberay.harness.emulated.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class ServiceAccountTokensTest {

  private final ServiceAccountTokens tokens = new ServiceAccountTokens();

  @Test
  void aTokenIsAJwtWithKubeApiserversClaimsSignedByTheEnvironmentsKey() throws Exception {
    String token = tokens.issue("team", "ray");
    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    assertThat(json(parts[0])).containsEntry("alg", "ES256").containsKey("kid");
    Map<String, Object> claims = json(parts[1]);
    assertThat(claims)
        .containsEntry("sub", "system:serviceaccount:team:ray")
        .containsEntry("iss", "https://kubernetes.default.svc.cluster.local")
        .containsEntry("aud", ServiceAccountTokens.AUDIENCES)
        .containsEntry(
            "kubernetes.io",
            Map.of("namespace", "team", "serviceaccount", Map.of("name", "ray", "uid", "")));
    assertThat(((Number) claims.get("exp")).longValue())
        .as("no expiry here: a year, as the kubelet's extended tokens")
        .isGreaterThan(Instant.now().plusSeconds(300 * 24 * 3600).getEpochSecond());

    Signature verify = Signature.getInstance("SHA256withECDSAinP1363Format");
    verify.initVerify(tokens.publicKey());
    verify.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verify.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
  }

  @Test
  void theServerKnowsExactlyTheTokensItIssued() {
    String ray = tokens.issue("team", "ray");
    assertThat(tokens.issue("team", "ray")).as("one per account").isEqualTo(ray);
    assertThat(tokens.issue("team", "other")).isNotEqualTo(ray);
    assertThat(tokens.authenticate("Bearer " + ray))
        .contains(new ServiceAccountTokens.Account("team", "ray", ""));
    String forged = ray.substring(0, ray.lastIndexOf('.') + 1) + "AAAA";
    assertThat(tokens.authenticate("Bearer " + forged)).isEmpty();
    assertThat(new ServiceAccountTokens().authenticate("Bearer " + ray))
        .as("another environment's token")
        .isEmpty();
  }

  @Test
  void aDeletedOrRecreatedAccountsTokenIsRefused() {
    Map<String, String> uids = new ConcurrentHashMap<>(Map.of("team/ray", "uid-1"));
    ServiceAccountTokens server =
        new ServiceAccountTokens((ns, name) -> Optional.ofNullable(uids.get(ns + "/" + name)));
    String first = server.issue("team", "ray");
    assertThat(json(first.split("\\.")[1]).get("kubernetes.io"))
        .isEqualTo(
            Map.of("namespace", "team", "serviceaccount", Map.of("name", "ray", "uid", "uid-1")));
    assertThat(server.authenticate("Bearer " + first)).isPresent();

    uids.remove("team/ray");
    assertThat(server.authenticate("Bearer " + first)).as("account deleted").isEmpty();

    uids.put("team/ray", "uid-2");
    assertThat(server.authenticate("Bearer " + first))
        .as("another account of the same name")
        .isEmpty();
    String second = server.issue("team", "ray");
    assertThat(second).isNotEqualTo(first);
    assertThat(server.authenticate("Bearer " + second))
        .contains(new ServiceAccountTokens.Account("team", "ray", "uid-2"));
  }

  private static Map<String, Object> json(String part) {
    return Json.readObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
  }
}
