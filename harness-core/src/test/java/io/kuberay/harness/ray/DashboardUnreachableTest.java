package io.kuberay.harness.ray;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.ray.process.PortAllocator;
import java.net.URI;
import org.junit.jupiter.api.Test;

class DashboardUnreachableTest {

  @Test
  void unreachableDashboardNamesTheUrlAndTheFix() {
    URI url = URI.create("http://127.0.0.1:" + PortAllocator.freePort());

    assertThatThrownBy(() -> RayJobsClient.connect(url).list())
        .isInstanceOf(DashboardUnreachableException.class)
        .hasMessageContaining(url.toString())
        .hasMessageContaining("Fix:");
  }
}
