package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.backend.BackendFactory;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class K3sBackendFactoryTest {

  @Test
  void thisModuleOnTheClasspathMakesK3sSelectable() {
    assertThat(ServiceLoader.load(BackendFactory.class, getClass().getClassLoader()))
        .filteredOn(factory -> factory.type() == BackendType.K3S)
        .singleElement()
        .isInstanceOf(K3sBackendFactory.class);
  }
}
