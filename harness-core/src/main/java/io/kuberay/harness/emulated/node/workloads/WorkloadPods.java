package io.kuberay.harness.emulated.node.workloads;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.kuberay.harness.emulated.support.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What the workload controllers share: owner references, template hashes, pod readiness. */
final class WorkloadPods {

  /** Kubernetes' {@code rand.SafeEncodeString} alphabet: no vowels, no look-alike digits. */
  private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";

  private WorkloadPods() {}

  /** The controller reference a workload controller puts on what it creates. */
  static OwnerReference controllerRef(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion("apps/v1")
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  static Optional<OwnerReference> controllerOf(ObjectMeta meta) {
    return meta.getOwnerReferences() == null
        ? Optional.empty()
        : meta.getOwnerReferences().stream()
            .filter(o -> Boolean.TRUE.equals(o.getController()))
            .findFirst();
  }

  /** Whether {@code owner} (by uid) is the controller of the object. */
  static boolean controlledBy(ObjectMeta meta, HasMetadata owner) {
    return controllerOf(meta)
        .map(o -> owner.getMetadata().getUid().equals(o.getUid()))
        .orElse(false);
  }

  /**
   * The pod template's hash as kube-controller-manager renders it ({@code controller.ComputeHash}:
   * FNV-32a, safe-encoded); of the template's JSON here, so the value differs from a real cluster's
   * for the same template, its form does not.
   */
  static String hash(PodTemplateSpec template) {
    int h = 0x811c9dc5;
    for (byte b : Json.write(Json.toMap(template)).getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return safeEncode(Integer.toUnsignedString(h));
  }

  /** {@code rand.SafeEncodeString}: each character mapped into the safe alphabet. */
  static String safeEncode(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      out.append(SAFE.charAt(c % SAFE.length()));
    }
    return out.toString();
  }

  /** A pod made from the template, with extra labels and the workload as its controller. */
  static PodBuilder podFrom(
      PodTemplateSpec template, HasMetadata owner, Map<String, String> extraLabels) {
    ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    Map<String, String> labels = new LinkedHashMap<>();
    if (meta.getLabels() != null) {
      labels.putAll(meta.getLabels());
    }
    labels.putAll(extraLabels);
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(meta.getAnnotations())
        .withFinalizers(meta.getFinalizers())
        .withOwnerReferences(controllerRef(owner))
        .endMetadata()
        .withSpec(Json.copy(template.getSpec()));
  }

  static boolean ready(Pod p) {
    return active(p)
        && p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Not being deleted and not finished: what a ReplicaSet counts as one of its replicas. */
  static boolean active(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return p.getMetadata().getDeletionTimestamp() == null
        && !"Succeeded".equals(phase)
        && !"Failed".equals(phase);
  }

  /**
   * An IntOrString of a rolling update ({@code maxSurge}, {@code maxUnavailable}) against {@code
   * replicas}: percentages rounded up or down as the Deployment controller rounds them.
   */
  static int scaled(IntOrString value, int replicas, String defaultValue, boolean roundUp) {
    Object v =
        value == null
            ? defaultValue
            : value.getIntVal() != null ? value.getIntVal() : value.getStrVal();
    if (v instanceof Integer i) {
      return i;
    }
    String s = String.valueOf(v);
    if (!s.endsWith("%")) {
      return Integer.parseInt(s);
    }
    double p = Integer.parseInt(s.substring(0, s.length() - 1)) * replicas / 100.0;
    return (int) (roundUp ? Math.ceil(p) : Math.floor(p));
  }

  static int orZero(Integer i) {
    return i == null ? 0 : i;
  }

  /** Go's omitempty for a counter: absent when zero. */
  static Integer omitZero(int i) {
    return i == 0 ? null : i;
  }

  static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
