package io.kuberay.harness.emulated;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The emulated API server's front door. fabric8's CRUD dispatcher stores objects and serves watches; this
 * adds what a real API server does around it and what users hit: discovery, generateName, admission
 * defaults, CRD schema validation and defaulting, name rules, namespace existence, owner-reference garbage
 * collection, namespace deletion, server-side apply, pod logs — and a clear 4xx for what is not emulated.
 */
final class ApiDispatcher extends Dispatcher {

  private static final List<String> DEPENDENT_COLLECTIONS =
      List.of("/api/v1/namespaces/%s/pods", "/api/v1/namespaces/%s/services", "/apis/ray.io/v1/namespaces/%s/rayclusters", "/apis/batch/v1/namespaces/%s/jobs");

  private final KubernetesCrudDispatcher crud;
  private final Discovery discovery = new Discovery();
  private final Map<String, Map<String, Object>> schemas = new ConcurrentHashMap<>();
  private final Map<String, List<Object>> printerColumns = new ConcurrentHashMap<>();
  private final AtomicInteger nextServiceIp = new AtomicInteger(10);
  private final String gitVersion;
  private volatile PodEndpoints podEndpoints = PodEndpoints.NONE;

  ApiDispatcher(KubernetesCrudDispatcher crud, String gitVersion) {
    this.crud = crud;
    this.gitVersion = gitVersion;
  }

  void podEndpoints(PodEndpoints endpoints) {
    this.podEndpoints = endpoints;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    try {
      return withContentType(route(request));
    } catch (RuntimeException e) {
      return ApiErrors.status(500, "InternalError", "emulated API server: " + e);
    }
  }

  /**
   * The CRUD dispatcher's JSON bodies come without a Content-Type; Go clients then assume the first type they
   * accepted (kubectl asks for protobuf first, e.g. for the pod lookup of {@code port-forward service/...}).
   */
  private static MockResponse withContentType(MockResponse response) {
    if (response.getWebSocketListener() == null && response.header("Content-Type") == null && response.getBody() != null && response.getBody().size() > 0) {
      for (byte b : response.getBody().getBytes()) {
        if (!Character.isWhitespace(b)) {
          if (b == '{' || b == '[') {
            response.setHeader("Content-Type", "application/json");
          }
          break;
        }
      }
    }
    return response;
  }

  private MockResponse route(RecordedRequest request) {
    String path = request.getPath();
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    String method = request.getMethod();
    if ("GET".equals(method)) {
      Optional<MockResponse> doc = discoveryDocument(bare);
      if (doc.isPresent()) {
        return doc.get();
      }
    }
    Optional<ApiPath> parsed = ApiPath.parse(path);
    if (parsed.isEmpty()) {
      return ApiErrors.status(404, "NotFound", "the server could not find the requested resource (path " + bare + ")");
    }
    ApiPath api = parsed.get();
    if (discovery.find(api.group(), api.version(), api.plural()).isEmpty()) {
      return ApiErrors.status(
          404, "NotFound", "the server could not find the requested resource (" + api.plural() + (api.group().isEmpty() ? "" : "." + api.group()) + ")");
    }
    if (api.subresource() != null && !"status".equals(api.subresource())) {
      return subresource(request, api);
    }
    switch (method) {
      case "POST":
        return create(request, api);
      case "PUT":
        return update(request, api);
      case "PATCH":
        return patch(request, api);
      case "DELETE":
        return delete(request, api);
      default:
        Optional<MockResponse> byName = byNameSelector(request, api);
        if (byName.isPresent()) {
          return byName.get();
        }
        MockResponse response = crud.dispatch(request);
        if ("GET".equals(method) && ServerTables.wanted(request.getHeader("Accept")) && !api.queryHas("watch", "true")
            && !api.queryHas("watch", "1") && response.code() == 200 && response.getBody() != null) {
          return asTable(api, response);
        }
        return response;
    }
  }

  /**
   * {@code fieldSelector=metadata.name=X} on a collection — what fabric8's waitUntilCondition and informers on
   * one object send — served as a list or watch of that one object. The mock store does not apply field
   * selectors, and a watch that never sees the object's events would wait forever.
   */
  private Optional<MockResponse> byNameSelector(RecordedRequest request, ApiPath api) {
    String selector = api.name() == null ? query(api, "fieldSelector") : null;
    if (selector == null || !selector.startsWith("metadata.name=") || selector.contains(",")) {
      return Optional.empty();
    }
    String name = selector.substring("metadata.name=".length());
    StringBuilder rest = new StringBuilder();
    for (String kv : api.query().split("&")) {
      if (!kv.isEmpty() && !kv.startsWith("fieldSelector=")) {
        rest.append(rest.length() == 0 ? "?" : "&").append(kv);
      }
    }
    if (api.queryHas("watch", "true") || api.queryHas("watch", "1")) {
      return Optional.of(crud.dispatch(rewrite(request, HttpMethod.GET, api.collection() + "/" + name + rest, null, null)));
    }
    MockResponse all = crud.handleGet(api.collection());
    if (all.code() != 200) {
      return Optional.of(all);
    }
    Map<String, Object> list = Maps.map(Json.SERDE.unmarshal(all.getBody().readUtf8(), Map.class));
    list.put("items", Maps.list(list.get("items")).stream().filter(i -> name.equals(Maps.get(Maps.map(i), "metadata", "name"))).toList());
    MockResponse response = ApiErrors.json(200, list);
    return Optional.of(ServerTables.wanted(request.getHeader("Accept")) ? asTable(api, ApiErrors.json(200, list)) : response);
  }

  /** The response as the Table kubectl asked for, so {@code kubectl get} prints real columns. */
  private MockResponse asTable(ApiPath api, MockResponse response) {
    Map<String, Object> body = Maps.map(Json.SERDE.unmarshal(response.getBody().readUtf8(), Map.class));
    List<Object> printer = printerColumns.getOrDefault(api.group() + "/" + api.version() + "/" + api.plural(), List.of());
    Map<String, Object> table = ServerTables.table(body, ServerTables.columns(api.group(), api.plural(), printer), java.time.Instant.now());
    return ApiErrors.json(200, table).setHeader("Content-Type", "application/json;as=Table;v=v1;g=meta.k8s.io");
  }

  private Optional<MockResponse> discoveryDocument(String path) {
    switch (path) {
      case "/version":
        return Optional.of(ApiErrors.json(200, version()));
      case "/api":
        return Optional.of(ApiErrors.json(200, discovery.coreVersions()));
      case "/apis":
        return Optional.of(ApiErrors.json(200, discovery.groupList()));
      case "/healthz":
      case "/readyz":
      case "/livez":
        return Optional.of(new MockResponse().setResponseCode(200).setBody("ok"));
      default:
        break;
    }
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    if (parts.length == 2 && parts[0].equals("api")) {
      return discovery.resourceList(parts[1]).map(d -> ApiErrors.json(200, d));
    }
    if (parts.length == 2 && parts[0].equals("apis")) {
      return Optional.of(discovery.group(parts[1]).map(d -> ApiErrors.json(200, d)).orElse(ApiErrors.status(404, "NotFound", "the server could not find the requested resource")));
    }
    if (parts.length == 3 && parts[0].equals("apis")) {
      return Optional.of(
          discovery.resourceList(parts[1] + "/" + parts[2]).map(d -> ApiErrors.json(200, d)).orElse(ApiErrors.status(404, "NotFound", "the server could not find the requested resource")));
    }
    return Optional.empty();
  }

  private Map<String, Object> version() {
    Map<String, Object> v = new LinkedHashMap<>();
    String[] mm = gitVersion.replace("v", "").split("\\.");
    v.put("major", mm[0]);
    v.put("minor", mm[1]);
    v.put("gitVersion", gitVersion);
    v.put("gitCommit", "kuberay-harness-emulated");
    v.put("gitTreeState", "clean");
    v.put("buildDate", "2026-01-01T00:00:00Z");
    v.put("goVersion", "go1.26");
    v.put("compiler", "gc");
    v.put("platform", "linux/amd64");
    return v;
  }

  private MockResponse subresource(RecordedRequest request, ApiPath api) {
    if (api.group().isEmpty() && "pods".equals(api.plural())) {
      switch (api.subresource()) {
        case "log":
          return podEndpoints.logs(api.namespace(), api.name(), query(api, "container"))
              .map(text -> new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain").setBody(text))
              .orElse(ApiErrors.notFound("pods", "", api.name()));
        case "exec":
        case "attach":
        case "portforward":
          return podEndpoints.stream(request, api).orElse(
              ApiErrors.unsupported(
                  "pods/" + api.subresource() + " over this connection",
                  "Use the harness's PodHandle.exec(...) and RayClusterHandle.dashboardUrl(), or run ./kuberay-harness up for kubectl exec and port-forward."));
        default:
          break;
      }
    }
    return ApiErrors.unsupported(
        "the subresource " + api.plural() + "/" + api.subresource(), "Only status, pods/log, pods/exec and pods/portforward are emulated.");
  }

  private static String query(ApiPath api, String key) {
    for (String kv : api.query().split("&")) {
      if (kv.startsWith(key + "=")) {
        return java.net.URLDecoder.decode(kv.substring(key.length() + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private MockResponse create(RecordedRequest request, ApiPath api) {
    Map<String, Object> body = parse(request);
    Map<String, Object> metadata = Maps.map(body.get("metadata"));
    body.put("metadata", metadata);
    boolean generated = false;
    if (metadata.get("name") == null && metadata.get("generateName") instanceof String prefix) {
      metadata.put("name", generateName(prefix));
      generated = true;
    }
    String name = (String) metadata.get("name");
    String kind = String.valueOf(body.getOrDefault("kind", api.plural()));
    Optional<String> badName = ObjectNames.check(api.plural(), api.group(), name);
    if (badName.isPresent()) {
      return ApiErrors.invalid(kind, api.group(), name == null ? "" : name, List.of(badName.get()));
    }
    if (api.namespace() != null) {
      if (metadata.get("namespace") != null && !api.namespace().equals(metadata.get("namespace"))) {
        return ApiErrors.status(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
      }
      metadata.put("namespace", api.namespace());
      if (crud.handleGet("/api/v1/namespaces/" + api.namespace()).code() != 200) {
        return ApiErrors.status(404, "NotFound", "namespaces \"" + api.namespace() + "\" not found");
      }
    }
    if (crud.handleGet(api.collection() + "/" + name).code() == 200) {
      String resource = api.group().isEmpty() ? api.plural() : api.plural() + "." + api.group();
      return ApiErrors.status(409, "AlreadyExists", resource + " \"" + name + "\" already exists");
    }
    java.util.concurrent.atomic.AtomicBoolean admitted = new java.util.concurrent.atomic.AtomicBoolean();
    Optional<MockResponse> rejected = admit(api, kind, name, body, admitted);
    if (rejected.isPresent()) {
      return rejected.get();
    }
    boolean unchanged = !generated && api.namespace() == null && !admitted.get();
    MockResponse response = crud.handleCreate(unchanged ? request : rewrite(request, HttpMethod.POST, request.getPath(), body, null));
    if (response.code() < 300 && isCrd(api)) {
      registerCrd(body);
    }
    if (response.code() < 300 && api.namespace() != null && ownerGone(api.namespace(), metadata)) {
      // A controller that raced with its owner's deletion: the garbage collector removes the orphan.
      crud.handleDelete(api.collection() + "/" + name);
    }
    return response;
  }

  private MockResponse update(RecordedRequest request, ApiPath api) {
    if ("status".equals(api.subresource())) {
      return crud.handleUpdate(request);
    }
    Map<String, Object> body = parse(request);
    String kind = String.valueOf(body.getOrDefault("kind", api.plural()));
    Optional<MockResponse> rejected = admit(api, kind, api.name(), body, new java.util.concurrent.atomic.AtomicBoolean());
    if (rejected.isPresent()) {
      return rejected.get();
    }
    MockResponse response = crud.handleUpdate(rewrite(request, HttpMethod.PUT, request.getPath(), body, null));
    if (response.code() < 300 && isCrd(api)) {
      registerCrd(body);
    }
    return response;
  }

  private MockResponse patch(RecordedRequest request, ApiPath api) {
    String type = String.valueOf(request.getHeader("Content-Type"));
    if (type.startsWith("application/apply-patch")) {
      return serverSideApply(request, api);
    }
    if (type.startsWith("application/strategic-merge-patch")) {
      // Approximation: lists are replaced, not merged by key (documented in docs/PARITY.md).
      return crud.handlePatch(rewrite(request, HttpMethod.PATCH, request.getPath(), null, "application/merge-patch+json"));
    }
    return crud.handlePatch(request);
  }

  /** Server-side apply, approximated: create when absent, otherwise a JSON merge of the applied fields. */
  private MockResponse serverSideApply(RecordedRequest request, ApiPath api) {
    Map<String, Object> applied = parse(request);
    MockResponse existing = crud.handleGet(api.objectPath());
    if (existing.code() == 404) {
      String collection = api.collection();
      return create(rewrite(request, HttpMethod.POST, collection, applied, "application/json"), ApiPath.parse(collection).orElseThrow());
    }
    Map<String, Object> merged = Maps.map(Json.SERDE.unmarshal(existing.getBody().readUtf8(), Map.class));
    Map<String, Object> status = Maps.map(merged.get("status"));
    mergeInto(merged, applied);
    Maps.map(merged.get("metadata")).remove("managedFields");
    if (!"status".equals(api.subresource()) && !status.isEmpty()) {
      merged.put("status", status);
    }
    return update(rewrite(request, HttpMethod.PUT, api.objectPath() + (api.subresource() == null ? "" : "/" + api.subresource()), merged, "application/json"), api);
  }

  @SuppressWarnings("unchecked")
  private static void mergeInto(Map<String, Object> target, Map<String, Object> patch) {
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      Object existing = target.get(e.getKey());
      if (e.getValue() instanceof Map<?, ?> p && existing instanceof Map<?, ?> t) {
        mergeInto((Map<String, Object>) t, (Map<String, Object>) p);
      } else if (e.getValue() == null) {
        target.remove(e.getKey());
      } else {
        target.put(e.getKey(), e.getValue());
      }
    }
  }

  private MockResponse delete(RecordedRequest request, ApiPath api) {
    if (api.name() == null) {
      return crud.handleDelete(request.getPath());
    }
    MockResponse existing = crud.handleGet(api.objectPath());
    if (existing.code() != 200) {
      return ApiErrors.notFound(api.plural(), api.group(), api.name());
    }
    Map<String, Object> object = Maps.map(Json.SERDE.unmarshal(existing.getBody().readUtf8(), Map.class));
    MockResponse response = crud.handleDelete(api.objectPath());
    if (response.code() >= 300) {
      return response;
    }
    String uid = Maps.string(object, "metadata", "uid").orElse(null);
    if (api.group().isEmpty() && "namespaces".equals(api.plural())) {
      deleteNamespaceContents(api.name());
    } else if (api.namespace() != null && uid != null) {
      collectDependents(api.namespace(), uid);
    }
    if (isCrd(api)) {
      discovery.removeCrd(object);
    }
    return response;
  }

  private static final Map<String, String> OWNER_COLLECTIONS =
      Map.of("RayCluster", "/apis/ray.io/v1/namespaces/%s/rayclusters/%s", "RayJob", "/apis/ray.io/v1/namespaces/%s/rayjobs/%s", "Job", "/apis/batch/v1/namespaces/%s/jobs/%s");

  /** Whether a controller owner the emulator manages (RayCluster, RayJob, Job) no longer exists with that uid. */
  private boolean ownerGone(String namespace, Map<String, Object> metadata) {
    for (Object o : Maps.list(metadata.get("ownerReferences"))) {
      Map<String, Object> owner = Maps.map(o);
      String template = OWNER_COLLECTIONS.get(String.valueOf(owner.get("kind")));
      if (template == null) {
        continue;
      }
      MockResponse found = crud.handleGet(String.format(template, namespace, owner.get("name")));
      if (found.code() != 200) {
        return true;
      }
      Map<String, Object> current = Maps.map(Json.SERDE.unmarshal(found.getBody().readUtf8(), Map.class));
      if (!String.valueOf(owner.get("uid")).equals(Maps.string(current, "metadata", "uid").orElse(null))) {
        return true;
      }
    }
    return false;
  }

  /** The namespace controller's job: everything in a deleted namespace goes with it. */
  private void deleteNamespaceContents(String namespace) {
    for (Discovery.ApiResource r : discovery.namespacedResources()) {
      String base = r.group().isEmpty() ? "/api/" + r.version() : "/apis/" + r.group() + "/" + r.version();
      crud.handleDelete(base + "/namespaces/" + namespace + "/" + r.plural());
    }
  }

  /** The garbage collector's job: objects whose owner is gone are deleted, recursively. */
  private void collectDependents(String namespace, String ownerUid) {
    for (String template : DEPENDENT_COLLECTIONS) {
      String collection = String.format(template, namespace);
      MockResponse list = crud.handleGet(collection);
      if (list.code() != 200) {
        continue;
      }
      for (Object item : Maps.list(Maps.map(Json.SERDE.unmarshal(list.getBody().readUtf8(), Map.class)).get("items"))) {
        Map<String, Object> obj = Maps.map(item);
        boolean owned =
            Maps.list(Maps.get(obj, "metadata", "ownerReferences")).stream()
                .anyMatch(o -> ownerUid.equals(Maps.map(o).get("uid")));
        if (owned) {
          String name = Maps.string(obj, "metadata", "name").orElseThrow();
          String uid = Maps.string(obj, "metadata", "uid").orElse(null);
          crud.handleDelete(collection + "/" + name);
          if (uid != null) {
            collectDependents(namespace, uid);
          }
        }
      }
    }
  }

  /** Admission: defaults (flagging {@code mutated}) and validation; a rejection is returned as the response. */
  private Optional<MockResponse> admit(ApiPath api, String kind, String name, Map<String, Object> body, java.util.concurrent.atomic.AtomicBoolean mutated) {
    if (api.group().isEmpty() && "pods".equals(api.plural())) {
      mutated.set(true);
      Admission.defaultPod(body);
    } else if (api.group().isEmpty() && "services".equals(api.plural())) {
      mutated.set(true);
      Admission.defaultService(body, () -> "10.43." + (nextServiceIp.get() / 250) + "." + (nextServiceIp.getAndIncrement() % 250 + 1));
    }
    Map<String, Object> schema = schemas.get(api.group() + "/" + api.version() + "/" + api.plural());
    if (schema != null) {
      mutated.set(true);
      List<String> causes = SchemaValidator.apply(schema, body);
      if (!causes.isEmpty()) {
        return Optional.of(ApiErrors.invalid(kind, api.group(), name, causes));
      }
    }
    return Optional.empty();
  }

  private static boolean isCrd(ApiPath api) {
    return "apiextensions.k8s.io".equals(api.group()) && "customresourcedefinitions".equals(api.plural());
  }

  private void registerCrd(Map<String, Object> crd) {
    discovery.addCrd(crd);
    Map<String, Object> spec = Maps.map(crd.get("spec"));
    String group = String.valueOf(spec.get("group"));
    String plural = String.valueOf(Maps.map(spec.get("names")).get("plural"));
    for (Object v : Maps.list(spec.get("versions"))) {
      Map<String, Object> version = Maps.map(v);
      Object schema = Maps.get(version, "schema", "openAPIV3Schema");
      if (schema instanceof Map<?, ?>) {
        schemas.put(group + "/" + version.get("name") + "/" + plural, Maps.map(schema));
      }
      printerColumns.put(group + "/" + version.get("name") + "/" + plural, Maps.list(version.get("additionalPrinterColumns")));
    }
  }

  private static String generateName(String prefix) {
    return prefix + NameSuffix.random();
  }

  private static Map<String, Object> parse(RecordedRequest request) {
    String text = request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    Object parsed = text.isBlank() ? new LinkedHashMap<>() : Json.SERDE.unmarshal(text, Map.class);
    return new LinkedHashMap<>(Maps.map(parsed));
  }

  private static RecordedRequest rewrite(RecordedRequest original, HttpMethod method, String path, Object body, String contentType) {
    Headers.Builder headers = original.getHeaders().newBuilder();
    if (contentType != null) {
      headers.set("Content-Type", contentType);
    }
    Buffer buffer = body == null ? original.getBody() : new Buffer(Json.SERDE.asJson(body).getBytes(StandardCharsets.UTF_8));
    return new RecordedRequest(original.getHttpVersion(), method, path, headers.build(), buffer);
  }

  /** Pod subresources served by the emulated node. */
  interface PodEndpoints {
    PodEndpoints NONE =
        new PodEndpoints() {
          @Override
          public Optional<String> logs(String namespace, String pod, String container) {
            return Optional.empty();
          }

          @Override
          public Optional<MockResponse> stream(RecordedRequest request, ApiPath path) {
            return Optional.empty();
          }
        };

    Optional<String> logs(String namespace, String pod, String container);

    Optional<MockResponse> stream(RecordedRequest request, ApiPath path);
  }
}
