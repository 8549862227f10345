package io.kuberay.harness.k3s;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.kuberay.harness.architecture.ArchitectureRules;

/**
 * harness-core's package rules, applied with this module's package among the harness's
 * (docs/ARCHITECTURE.md).
 */
@AnalyzeClasses(
    packages = "io.kuberay.harness",
    importOptions = ImportOption.DoNotIncludeTests.class)
class K3sArchitectureTest {

  @ArchTest static final ArchRule noPackageCycles = ArchitectureRules.NO_PACKAGE_CYCLES;

  @ArchTest static final ArchRule slf4jOnly = ArchitectureRules.SLF4J_ONLY;
}
