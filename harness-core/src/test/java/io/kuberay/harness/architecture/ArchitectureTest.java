package io.kuberay.harness.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** harness-core's package rules (see {@link ArchitectureRules} and docs/ARCHITECTURE.md). */
@AnalyzeClasses(
    packages = "io.kuberay.harness",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest static final ArchRule noPackageCycles = ArchitectureRules.NO_PACKAGE_CYCLES;

  @ArchTest
  static final ArchRule operatorAndNodeUseOnlyTheInProcessApi =
      ArchitectureRules.OPERATOR_AND_NODE_USE_ONLY_THE_IN_PROCESS_API;

  @ArchTest static final ArchRule slf4jOnly = ArchitectureRules.SLF4J_ONLY;
}
