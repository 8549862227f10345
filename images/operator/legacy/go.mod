// Wrapper module for KubeRay operator releases whose go.mod carries replace
// directives, which "go install pkg@version" refuses. The replace below is the
// one the v1.1.0 ray-operator go.mod declares (a module's own replaces are
// ignored when it is a dependency, so the consumer has to repeat them).
module kuberay-harness/operator-legacy

go 1.26.0

require github.com/ray-project/kuberay/ray-operator v1.1.0

replace go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp v0.35.1 => go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp v0.44.0
