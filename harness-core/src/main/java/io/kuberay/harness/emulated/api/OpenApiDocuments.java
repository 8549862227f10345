package io.kuberay.harness.emulated.api;

import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.support.Maps;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code /openapi/v2}, the {@code /openapi/v3} index and its per-group-version documents, built
 * from the kinds {@link Discovery} serves and the installed CRDs' schemas. Built on first request
 * and kept until a CRD is created, changed or deleted, as the API server rebuilds its documents
 * then.
 */
final class OpenApiDocuments {

  private static final String V3_PREFIX = "/openapi/v3/";

  private final Discovery discovery;
  private final String gitVersion;
  private final Map<String, Map<String, Object>> crds = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private volatile Built built;
  private volatile SchemasAt schemasAt;

  private record SchemasAt(long generation, OpenApiSchemas schemas) {}

  /** One generation's documents, as JSON text, and the v3 documents' hashes. */
  private record Built(
      long generation, Map<String, String> v3, Map<String, String> hashes, String index) {}

  /** The v2 document of one generation: built apart from v3, as clients rarely ask for it. */
  private record V2At(long generation, String json) {}

  private volatile V2At v2At;

  OpenApiDocuments(Discovery discovery, String gitVersion) {
    this.discovery = discovery;
    this.gitVersion = gitVersion;
    BuiltinDefinitions.preload();
  }

  /** A CRD was created or changed: its schemas replace the old ones from the next request on. */
  void crdChanged(Map<String, Object> crd) {
    // Kept as given, not copied (a copy of a large CRD sat on a cold environment's start): the
    // dispatcher only reads a stored CRD's map, and the documents copy a schema before changing it.
    crds.put(String.valueOf(Maps.map(crd.get("metadata")).get("name")), crd);
    generation.incrementAndGet();
  }

  void crdRemoved(Map<String, Object> crd) {
    crds.remove(String.valueOf(Maps.map(crd.get("metadata")).get("name")));
    generation.incrementAndGet();
  }

  /**
   * The response for a GET of {@code path} (without its query), or empty when the path is not an
   * OpenAPI one.
   */
  Optional<MockResponse> serve(String path, String query, String accept) {
    if (!path.equals("/openapi/v2") && !path.equals("/openapi/v3") && !path.startsWith(V3_PREFIX)) {
      return Optional.empty();
    }
    // The API server labels the protobuf document application/octet-stream: Go's media type parser
    // rejects the '@'.
    if (path.equals("/openapi/v2")
        && accept != null
        && accept.contains(OpenApiV2Protobuf.MEDIA_TYPE)) {
      return Optional.of(
          new MockResponse()
              .setResponseCode(200)
              .setHeader("Content-Type", "application/octet-stream")
              .setBody(new Buffer(OpenApiV2Protobuf.header("Kubernetes", gitVersion))));
    }
    if (!acceptsJson(accept)) {
      return Optional.of(
          ApiErrors.status(
              406,
              "NotAcceptable",
              "only the following media types are accepted: application/json"));
    }
    if (path.equals("/openapi/v2")) {
      return Optional.of(json(v2Json()));
    }
    Built docs = current();
    if (path.equals("/openapi/v3")) {
      return Optional.of(json(docs.index()).setHeader("Cache-Control", "no-cache, private"));
    }
    String groupVersion = path.substring(V3_PREFIX.length()).replaceAll("/+$", "");
    String doc = docs.v3().get(groupVersion);
    if (doc == null) {
      return Optional.of(
          ApiErrors.status(404, "NotFound", "the server could not find the requested resource"));
    }
    String hash = docs.hashes().get(groupVersion);
    String asked = queryValue(query, "hash");
    if (asked != null && !asked.equals(hash)) {
      // A stale hash: the document changed since the client read the index; send it to the current
      // one.
      return Optional.of(
          new MockResponse()
              .setResponseCode(301)
              .setHeader("Location", serverRelativeUrl(groupVersion, hash)));
    }
    MockResponse response = json(doc).setHeader("Etag", "\"" + hash + "\"");
    return Optional.of(
        asked != null
            ? response
                .setHeader("Cache-Control", "public, immutable")
                .setHeader("Expires", "Thu, 31 Dec 2099 23:59:59 GMT")
            : response.setHeader("Cache-Control", "no-cache, private"));
  }

  /**
   * The documents of the current generation, building them if a CRD changed since the last build.
   */
  Built current() {
    Built b = built;
    long g = generation.get();
    if (b != null && b.generation() == g) {
      return b;
    }
    synchronized (this) {
      if (built == null || built.generation() != generation.get()) {
        long now = generation.get();
        built = build(now);
      }
      return built;
    }
  }

  /** The schemas behind the documents of the current CRDs, for field validation. */
  OpenApiSchemas schemas() {
    long g = generation.get();
    SchemasAt at = schemasAt;
    if (at == null || at.generation() != g) {
      at = new SchemasAt(g, new OpenApiSchemas(OpenApiSchemas.fromCrds(crds.values())));
      schemasAt = at;
    }
    return at.schemas();
  }

  /**
   * The v3 document of one group-version ({@code api/v1}, {@code apis/ray.io/v1}), parsed; for
   * tests.
   */
  Optional<Map<String, Object>> v3(String groupVersion) {
    return Optional.ofNullable(current().v3().get(groupVersion)).map(JsonText::readObject);
  }

  Map<String, Object> v3Index() {
    return JsonText.readObject(current().index());
  }

  Map<String, Object> v2() {
    return JsonText.readObject(v2Json());
  }

  private String v2Json() {
    long g = generation.get();
    V2At at = v2At;
    if (at == null || at.generation() != g) {
      OpenApiSchemas schemas = schemas();
      at = new V2At(g, JsonText.write(v2Document(schemas, discovery.resources())));
      v2At = at;
    }
    return at.json();
  }

  private Built build(long forGeneration) {
    OpenApiSchemas schemas = schemas();
    List<Discovery.ApiResource> all = discovery.resources();
    Map<String, List<Discovery.ApiResource>> byGroupVersion = new LinkedHashMap<>();
    for (Discovery.ApiResource r : all) {
      String gv =
          r.group().isEmpty() ? "api/" + r.version() : "apis/" + r.group() + "/" + r.version();
      byGroupVersion.computeIfAbsent(gv, k -> new ArrayList<>()).add(r);
    }
    Map<String, String> v3 = new LinkedHashMap<>();
    Map<String, String> hashes = new LinkedHashMap<>();
    Map<String, Object> paths = new LinkedHashMap<>();
    byGroupVersion.forEach(
        (gv, resources) -> {
          String text = JsonText.write(v3Document(schemas, resources));
          v3.put(gv, text);
          hashes.put(gv, sha512(text));
          paths.put(gv, Map.of("serverRelativeURL", serverRelativeUrl(gv, hashes.get(gv))));
        });
    return new Built(forGeneration, v3, hashes, JsonText.write(Map.of("paths", paths)));
  }

  private Map<String, Object> v3Document(
      OpenApiSchemas schemas, List<Discovery.ApiResource> resources) {
    Map<String, Object> components = new LinkedHashMap<>();
    schemas
        .definitions(resources)
        .forEach((name, schema) -> components.put(name, OpenApiSchemas.toV3(schema)));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.0.0");
    doc.put("info", info());
    doc.put("paths", new OpenApiPaths(OpenApiPaths.Flavor.V3, schemas).paths(resources));
    doc.put(
        "components",
        Map.of(
            "schemas",
            components,
            "securitySchemes",
            Map.of(
                "BearerToken",
                Map.of(
                    "type",
                    "apiKey",
                    "description",
                    "Bearer Token authentication",
                    "name",
                    "authorization",
                    "in",
                    "header"))));
    return doc;
  }

  private Map<String, Object> v2Document(
      OpenApiSchemas schemas, List<Discovery.ApiResource> resources) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("swagger", "2.0");
    doc.put("info", info());
    doc.put("paths", new OpenApiPaths(OpenApiPaths.Flavor.V2, schemas).paths(resources));
    doc.put("definitions", schemas.definitions(resources));
    doc.put(
        "securityDefinitions",
        Map.of(
            "BearerToken",
            Map.of(
                "type",
                "apiKey",
                "description",
                "Bearer Token authentication",
                "name",
                "authorization",
                "in",
                "header")));
    doc.put("security", List.of(Map.of("BearerToken", List.of())));
    return doc;
  }

  private Map<String, Object> info() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("title", "Kubernetes");
    info.put("version", gitVersion);
    return info;
  }

  private static String serverRelativeUrl(String groupVersion, String hash) {
    return V3_PREFIX + groupVersion + "?hash=" + hash;
  }

  private static MockResponse json(String body) {
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }

  /**
   * Whether the Accept header allows JSON: absent, a wildcard, or a JSON type among the choices.
   */
  static boolean acceptsJson(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    for (String choice : accept.split(",")) {
      String type = choice.split(";")[0].trim().toLowerCase(Locale.ROOT);
      if (type.equals("*/*") || type.equals("application/*") || type.equals("application/json")) {
        return true;
      }
    }
    return false;
  }

  private static String queryValue(String query, String key) {
    if (query == null) {
      return null;
    }
    for (String kv : query.split("&")) {
      if (kv.startsWith(key + "=")) {
        return kv.substring(key.length() + 1);
      }
    }
    return null;
  }

  private static String sha512(String text) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(
              MessageDigest.getInstance("SHA-512").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is missing from this JVM", e);
    }
  }
}
