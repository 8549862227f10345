package io.kuberay.harness.emulated.api.gc;

import io.kuberay.harness.emulated.store.ResourceRef;

/**
 * A resource's {@code DefaultGarbageCollectionPolicy}, what a delete without a propagation policy
 * does: most registries delete the dependents; batch/v1 Jobs and v1 ReplicationControllers orphan
 * them "for backwards compatibility" (pkg/registry/batch/job/strategy.go,
 * pkg/registry/core/replicationcontroller/strategy.go; apps/v1 and custom resources delete them);
 * Events take no part in garbage collection (their strategy says Unsupported: no policy adds a
 * finalizer).
 */
enum DefaultPolicy {
  DELETE_DEPENDENTS,
  ORPHAN_DEPENDENTS,
  UNSUPPORTED;

  static DefaultPolicy of(ResourceRef resource) {
    String group = resource.group();
    String plural = resource.plural();
    if (("batch".equals(group) && "v1".equals(resource.version()) && "jobs".equals(plural))
        || (group.isEmpty() && "replicationcontrollers".equals(plural))) {
      return ORPHAN_DEPENDENTS;
    }
    if ("events".equals(plural) && (group.isEmpty() || "events.k8s.io".equals(group))) {
      return UNSUPPORTED;
    }
    return DELETE_DEPENDENTS;
  }
}
