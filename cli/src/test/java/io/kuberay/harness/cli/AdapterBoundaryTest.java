package io.kuberay.harness.cli;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.kuberay.harness.architecture.ArchitectureRules;

/** This adapter builds on harness-core's stable API only. */
@AnalyzeClasses(
    packages = "io.kuberay.harness.cli",
    importOptions = ImportOption.DoNotIncludeTests.class)
class AdapterBoundaryTest {

  @ArchTest static final ArchRule usesNoInternals = ArchitectureRules.ADAPTERS_USE_NO_INTERNALS;
}
