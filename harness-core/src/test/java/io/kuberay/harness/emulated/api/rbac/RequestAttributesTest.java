package io.kuberay.harness.emulated.api.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Request attributes as kube-apiserver's request-info resolver derives them, one row a request. */
class RequestAttributesTest {

  @ParameterizedTest(name = "{0} {1} -> {2} {3}/{4}/{5} ns={6} name={7}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // method | uri | verb | group | resource | subresource | namespace | name
        "GET | /api/v1/namespaces/ns/pods | list | '' | pods | '' | ns | ''",
        "GET | /api/v1/namespaces/ns/pods?watch=true&resourceVersion=5 | watch | '' | pods | '' | ns | ''",
        "GET | /api/v1/namespaces/ns/pods?watch=1 | watch | '' | pods | '' | ns | ''",
        "GET | /api/v1/watch/namespaces/ns/pods | watch | '' | pods | '' | ns | ''",
        "GET | /api/v1/namespaces/ns/pods?fieldSelector=metadata.name%3Dp | list | '' | pods | '' | ns | p",
        "GET | /api/v1/namespaces/ns/pods?watch=true&fieldSelector=metadata.name%3D%3Dp | watch | '' | pods | '' | ns | p",
        "GET | /api/v1/namespaces/ns/pods/p | get | '' | pods | '' | ns | p",
        "HEAD | /api/v1/namespaces/ns/pods/p | get | '' | pods | '' | ns | p",
        "GET | /api/v1/namespaces/ns/pods/p/log?container=c | get | '' | pods | log | ns | p",
        "POST | /api/v1/namespaces/ns/pods/p/exec?command=id | create | '' | pods | exec | ns | p",
        "GET | /api/v1/namespaces/ns/pods/p/exec?command=id | get | '' | pods | exec | ns | p",
        "POST | /api/v1/namespaces/ns/pods/p/portforward | create | '' | pods | portforward | ns | p",
        "POST | /api/v1/namespaces/ns/pods | create | '' | pods | '' | ns | ''",
        "PUT | /apis/ray.io/v1/namespaces/ns/rayclusters/rc | update | ray.io | rayclusters | '' | ns | rc",
        "PUT | /apis/ray.io/v1/namespaces/ns/rayclusters/rc/status | update | ray.io | rayclusters | status | ns | rc",
        "PATCH | /apis/ray.io/v1/namespaces/ns/rayclusters/rc | patch | ray.io | rayclusters | '' | ns | rc",
        "DELETE | /api/v1/namespaces/ns/pods/p | delete | '' | pods | '' | ns | p",
        "DELETE | /api/v1/namespaces/ns/pods?labelSelector=a%3Db | deletecollection | '' | pods | '' | ns | ''",
        "GET | /api/v1/nodes | list | '' | nodes | '' | '' | ''",
        "GET | /api/v1/namespaces | list | '' | namespaces | '' | '' | ''",
        "GET | /api/v1/namespaces/ns | get | '' | namespaces | '' | ns | ns",
        "PUT | /api/v1/namespaces/ns/finalize | update | '' | namespaces | finalize | ns | ns",
        "GET | /apis/rbac.authorization.k8s.io/v1/clusterroles/view | get | rbac.authorization.k8s.io | clusterroles | '' | '' | view",
        "POST | /api/v1/namespaces/ns/serviceaccounts/sa/token | create | '' | serviceaccounts | token | ns | sa",
      })
  void resourceRequests(
      String method,
      String uri,
      String verb,
      String group,
      String resource,
      String subresource,
      String namespace,
      String name) {
    RequestAttributes a = RequestAttributes.of(method, uri);
    assertThat(a.resourceRequest()).isTrue();
    assertThat(a)
        .extracting(
            RequestAttributes::verb,
            RequestAttributes::apiGroup,
            RequestAttributes::resource,
            RequestAttributes::subresource,
            RequestAttributes::namespace,
            RequestAttributes::name)
        .containsExactly(verb, group, resource, subresource, namespace, name);
  }

  @ParameterizedTest(name = "{0} {1} -> {2} path {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "GET | /api | get | /api",
        "GET | /api/v1 | get | /api/v1",
        "GET | /apis | get | /apis",
        "GET | /apis/ray.io/v1 | get | /apis/ray.io/v1",
        "GET | /apis/ray.io | get | /apis/ray.io",
        "GET | /version?timeout=32s | get | /version",
        "GET | /openapi/v3/apis/ray.io/v1 | get | /openapi/v3/apis/ray.io/v1",
        "POST | /healthz | post | /healthz",
        "GET | /metrics | get | /metrics",
      })
  void nonResourceRequests(String method, String uri, String verb, String path) {
    RequestAttributes a = RequestAttributes.of(method, uri);
    assertThat(a.resourceRequest()).isFalse();
    assertThat(a.verb()).isEqualTo(verb);
    assertThat(a.path()).isEqualTo(path);
  }
}
