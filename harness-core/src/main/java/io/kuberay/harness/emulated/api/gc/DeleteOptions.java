package io.kuberay.harness.emulated.api.gc;

import io.kuberay.harness.emulated.store.ResourceRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The garbage-collection part of a DELETE's DeleteOptions: {@code propagationPolicy} and the
 * deprecated {@code orphanDependents}, from the body when the request has one (kubectl and
 * client-go send them there), otherwise from the query, as kube-apiserver's delete handler decodes
 * them.
 *
 * @param propagationPolicy as sent, null when absent
 * @param orphanDependents as sent, null when absent
 */
public record DeleteOptions(String propagationPolicy, Boolean orphanDependents) {

  /** Set on an owner whose dependents the garbage collector orphans before it goes. */
  public static final String ORPHAN_FINALIZER = "orphan";

  /** Set on an owner deleted in the foreground, until its blocking dependents are gone. */
  public static final String FOREGROUND_FINALIZER = "foregroundDeletion";

  /** A DELETE without options: the resource's default. */
  public static final DeleteOptions NONE = new DeleteOptions(null, null);

  public static DeleteOptions of(Propagation propagation) {
    return new DeleteOptions(propagation.wire(), null);
  }

  /** From a DELETE's query parameters and its body, decoded (empty: the request had none). */
  public static DeleteOptions parse(Function<String, String> query, Map<String, Object> body) {
    if (!body.isEmpty()) {
      Object policy = body.get("propagationPolicy");
      Object orphan = body.get("orphanDependents");
      return new DeleteOptions(
          policy == null ? null : String.valueOf(policy), orphan instanceof Boolean b ? b : null);
    }
    String orphan = query.apply("orphanDependents");
    return new DeleteOptions(
        query.apply("propagationPolicy"), orphan == null ? null : parseBool(orphan));
  }

  private static Boolean parseBool(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "t", "1" -> true;
      case "false", "f", "0" -> false;
      default -> null;
    };
  }

  /**
   * The field errors of {@code ValidateDeleteOptions}, each "{field}: {message}"; a 422 {@code
   * DeleteOptions.meta.k8s.io ""} when not empty.
   */
  public List<String> invalid() {
    List<String> errors = new ArrayList<>();
    if (orphanDependents != null && propagationPolicy != null) {
      errors.add(
          "propagationPolicy: Invalid value: \""
              + propagationPolicy
              + "\": orphanDependents and deletionPropagation cannot be both set");
    }
    if (propagationPolicy != null && Propagation.parse(propagationPolicy).isEmpty()) {
      errors.add(
          "propagationPolicy: Unsupported value: \""
              + propagationPolicy
              + "\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
    }
    return errors;
  }

  /**
   * Whether the answer is 202 Accepted rather than 200: only an object left in place when the
   * client asked {@code orphanDependents: false} (kube-apiserver keeps that for old clients).
   */
  public boolean accepted(boolean pending) {
    return pending && Boolean.FALSE.equals(orphanDependents);
  }

  /**
   * The finalizers an object of {@code resource} keeps when deleted with these options: its own,
   * with {@value #ORPHAN_FINALIZER} or {@value #FOREGROUND_FINALIZER} put in or taken out as the
   * options, its earlier garbage-collection finalizer or the resource's default say (the registry's
   * {@code deletionFinalizersForGarbageCollection}); unchanged when the set is the same.
   */
  public UnaryOperator<List<String>> finalizers(ResourceRef resource) {
    DefaultPolicy policy = DefaultPolicy.of(resource);
    return current -> {
      List<String> next = new ArrayList<>(current);
      next.removeIf(f -> f.equals(ORPHAN_FINALIZER) || f.equals(FOREGROUND_FINALIZER));
      if (orphans(policy, current)) {
        next.add(ORPHAN_FINALIZER);
      }
      if (foreground(policy, current)) {
        next.add(FOREGROUND_FINALIZER);
      }
      return new HashSet<>(next).equals(new HashSet<>(current)) ? current : next;
    };
  }

  private boolean orphans(DefaultPolicy policy, List<String> finalizers) {
    if (policy == DefaultPolicy.UNSUPPORTED) {
      return false;
    }
    if (orphanDependents != null) {
      return orphanDependents;
    }
    if (propagationPolicy != null) {
      return Propagation.ORPHAN.wire().equals(propagationPolicy);
    }
    for (String f : finalizers) {
      if (f.equals(ORPHAN_FINALIZER)) {
        return true;
      }
      if (f.equals(FOREGROUND_FINALIZER)) {
        return false;
      }
    }
    return policy == DefaultPolicy.ORPHAN_DEPENDENTS;
  }

  private boolean foreground(DefaultPolicy policy, List<String> finalizers) {
    if (policy == DefaultPolicy.UNSUPPORTED || orphanDependents != null) {
      return false;
    }
    if (propagationPolicy != null) {
      return Propagation.FOREGROUND.wire().equals(propagationPolicy);
    }
    for (String f : finalizers) {
      if (f.equals(FOREGROUND_FINALIZER)) {
        return true;
      }
      if (f.equals(ORPHAN_FINALIZER)) {
        return false;
      }
    }
    return false;
  }
}
