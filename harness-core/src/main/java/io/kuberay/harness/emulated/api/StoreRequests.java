package io.kuberay.harness.emulated.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.api.gc.DeleteOptions;
import io.kuberay.harness.emulated.store.ApiException;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.store.PatchSchema;
import io.kuberay.harness.emulated.store.Patches;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.store.Selector;
import io.kuberay.harness.emulated.store.StoreWatch;
import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Serves the plain REST verbs on stored objects the way the API server does — get, list, watch,
 * create, replace, patch, delete — with its status codes, Status bodies and resourceVersion
 * preconditions. Admission, garbage collection and the like stay in {@link ApiDispatcher}.
 */
final class StoreRequests {

  private final ObjectStore store;
  private final Discovery discovery;

  StoreRequests(ObjectStore store, Discovery discovery) {
    this.store = store;
    this.discovery = discovery;
  }

  ObjectStore store() {
    return store;
  }

  /** GET of one object, or a list of a collection. */
  MockResponse read(ApiPath api) {
    ResourceRef resource = api.resource();
    if (api.name() != null) {
      return store
          .get(resource, api.namespace(), api.name())
          .map(o -> json(200, o.json()))
          .orElseGet(() -> ApiException.notFound(resource.qualified(), api.name()).response());
    }
    ObjectStore.Listing listing = store.list(resource, api.namespace(), selector(api));
    return json(200, listJson(resource, listing.items(), listing.revision()));
  }

  /** A watch, served over the WebSocket the request upgrades to. */
  MockResponse watch(ApiPath api) {
    Selector selector = api.name() == null ? selector(api) : selector(api).withName(api.name());
    StoreWatch watch;
    if (api.queryHas("sendInitialEvents", "true")) {
      String apiVersion = api.group().isEmpty() ? api.version() : api.group() + "/" + api.version();
      String kind =
          discovery
              .find(api.group(), api.version(), api.plural())
              .map(Discovery.ApiResource::kind)
              .orElse("");
      watch =
          store.watchWithInitialEvents(
              api.resource(),
              api.namespace(),
              selector,
              Map.of("apiVersion", apiVersion, "kind", kind));
    } else {
      watch =
          store.watch(api.resource(), api.namespace(), selector, api.queryParam("resourceVersion"));
    }
    return new MockResponse().withWebSocketUpgrade(new WatchSocket(watch));
  }

  /**
   * @param prepare the resource's preparation for create, run once the object has its uid (see
   *     {@link ObjectStore#create(ResourceRef, Map, Consumer)})
   */
  MockResponse create(
      ApiPath api, Map<String, Object> body, Consumer<Map<String, Object>> prepare) {
    requireKindAndVersion(body);
    return json(201, store.create(api.resource(), body, prepare).json());
  }

  /** PUT of an object or of its status; either must carry the current resourceVersion, if any. */
  MockResponse replace(ApiPath api, Map<String, Object> body) {
    return replace(api, body, WriteCheck.NONE);
  }

  /**
   * @param check what the object to store must pass besides what was admitted before (a {@code
   *     /status} write's status schema and CRD rules), judged against the stored object
   */
  MockResponse replace(ApiPath api, Map<String, Object> body, WriteCheck check) {
    requireKindAndVersion(body);
    checkName(api, body);
    boolean statusOnly = "status".equals(api.subresource());
    boolean statusSubresource =
        discovery.hasStatusSubresource(api.group(), api.version(), api.plural());
    StoredObject updated =
        store.update(
            api.resource(),
            api.namespace(),
            api.name(),
            current -> {
              checkVersion(api, current, body);
              Map<String, Object> next = statusOnly ? withStatus(current, body) : body;
              if (statusSubresource && !statusOnly) {
                setStatus(next, current.get("status"));
              }
              refuseInvalid(api, next, check.causes(current, next));
              return next;
            });
    return json(200, updated.json());
  }

  /**
   * What a write's result must pass besides its metadata (a custom resource's schema and CRD
   * rules), judged against the stored object; it may default and prune the result in place.
   */
  interface WriteCheck {
    WriteCheck NONE = (old, next) -> List.of();

    List<String> causes(Map<String, Object> old, Map<String, Object> next);
  }

  MockResponse patch(ApiPath api, String contentType, String patch, PatchSchema strategic) {
    return patch(api, contentType, patch, strategic, WriteCheck.NONE);
  }

  /**
   * PATCH of an object or of its status, as JSON patch, merge patch or strategic merge patch.
   *
   * @param strategic where a strategic merge patch finds the fields' patch strategies; null for a
   *     custom resource, which refuses strategic merge patches
   */
  MockResponse patch(
      ApiPath api, String contentType, String patch, PatchSchema strategic, WriteCheck check) {
    boolean statusOnly = "status".equals(api.subresource());
    boolean statusSubresource =
        discovery.hasStatusSubresource(api.group(), api.version(), api.plural());
    StoredObject updated =
        store.update(
            api.resource(),
            api.namespace(),
            api.name(),
            current -> {
              Map<String, Object> patched = Patches.apply(contentType, patch, current, strategic);
              checkName(api, patched);
              checkVersion(api, current, patched);
              // A /status patch changes the status only; the main resource keeps its status. Both
              // happen before validation, as in the API server.
              Map<String, Object> next = statusOnly ? withStatus(current, patched) : patched;
              if (statusSubresource && !statusOnly) {
                setStatus(next, current.get("status"));
              }
              // A patch is validated like an update: kubectl's client-side apply of a too large
              // object fails here, and so does a custom resource the CRD's schema refuses.
              List<String> invalid =
                  new ArrayList<>(ObjectValidation.metadata(Maps.map(next.get("metadata"))));
              invalid.addAll(check.causes(current, next));
              refuseInvalid(api, next, invalid);
              return next;
            });
    return json(200, updated.json());
  }

  /**
   * DELETE of one object or of a collection (the deleted objects as a list), each with the
   * finalizers {@code options} leave it: removed when none, marked otherwise. One object answers
   * 200, or 202 when marked after {@code orphanDependents: false} ({@link DeleteOptions#accepted}).
   */
  MockResponse delete(ApiPath api, DeleteOptions options) {
    UnaryOperator<List<String>> finalizers = options.finalizers(api.resource());
    if (api.name() == null) {
      List<StoredObject> deleted =
          store.deleteAll(api.resource(), api.namespace(), selector(api), finalizers).stream()
              .map(ObjectStore.Deletion::object)
              .toList();
      return json(200, listJson(api.resource(), deleted, store.revision()));
    }
    ObjectStore.Deletion deletion =
        store.delete(api.resource(), api.namespace(), api.name(), null, finalizers);
    return json(options.accepted(deletion.pending()) ? 202 : 200, deletion.object().json());
  }

  private static Selector selector(ApiPath api) {
    return Selector.parse(api.queryParam("labelSelector"), api.queryParam("fieldSelector"));
  }

  private String listJson(ResourceRef resource, List<StoredObject> items, long revision) {
    String kind =
        discovery
                .find(resource.group(), resource.version(), resource.plural())
                .map(Discovery.ApiResource::kind)
                .orElse("")
            + "List";
    StringBuilder out =
        new StringBuilder(64 + items.stream().mapToInt(o -> o.json().length() + 1).sum());
    out.append("{\"apiVersion\":\"")
        .append(resource.apiVersion())
        .append("\",\"kind\":\"")
        .append(kind)
        .append("\",\"metadata\":{\"resourceVersion\":\"")
        .append(revision)
        .append("\"},\"items\":[");
    for (int i = 0; i < items.size(); i++) {
      out.append(i == 0 ? "" : ",").append(items.get(i).json());
    }
    return out.append("]}").toString();
  }

  private static void requireKindAndVersion(Map<String, Object> body) {
    String kind = body.get("kind") == null ? "" : String.valueOf(body.get("kind"));
    if (kind.isEmpty()) {
      throw new ApiException(400, "BadRequest", "Object 'Kind' is missing in the request body");
    }
    if (body.get("apiVersion") == null || String.valueOf(body.get("apiVersion")).isEmpty()) {
      throw new ApiException(
          400, "BadRequest", "Object 'apiVersion' is missing in the request body");
    }
  }

  private static void checkName(ApiPath api, Map<String, Object> body) {
    Object name = Maps.get(body, "metadata", "name");
    if (name != null && !api.name().equals(name)) {
      throw new ApiException(
          400,
          "BadRequest",
          "the name of the object ("
              + name
              + ") does not match the name on the URL ("
              + api.name()
              + ")");
    }
    Object namespace = Maps.get(body, "metadata", "namespace");
    if (namespace != null && api.namespace() != null && !api.namespace().equals(namespace)) {
      throw new ApiException(
          400,
          "BadRequest",
          "the namespace of the provided object does not match the namespace sent on the request");
    }
  }

  /** Optimistic concurrency: a resourceVersion in the request must be the current one. */
  private static void checkVersion(
      ApiPath api, Map<String, Object> current, Map<String, Object> requested) {
    Object wanted = Maps.get(requested, "metadata", "resourceVersion");
    if (wanted != null
        && !String.valueOf(wanted).isEmpty()
        && !wanted.equals(Maps.get(current, "metadata", "resourceVersion"))) {
      throw ApiException.conflict(api.resource().qualified(), api.name());
    }
  }

  /**
   * The status strategy's PrepareForUpdate: the stored object with the request's status (none when
   * the request has none); whatever else the request changed is ignored.
   */
  private static Map<String, Object> withStatus(
      Map<String, Object> current, Map<String, Object> requested) {
    Map<String, Object> next = new LinkedHashMap<>(current);
    setStatus(next, requested.get("status"));
    return next;
  }

  private static void refuseInvalid(ApiPath api, Map<String, Object> object, List<String> causes) {
    if (!causes.isEmpty()) {
      String kind = String.valueOf(object.getOrDefault("kind", api.plural()));
      throw ApiException.invalid(kind, api.group(), api.name(), causes);
    }
  }

  private static void setStatus(Map<String, Object> object, Object status) {
    if (status == null) {
      object.remove("status");
    } else {
      object.put("status", status);
    }
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }
}
