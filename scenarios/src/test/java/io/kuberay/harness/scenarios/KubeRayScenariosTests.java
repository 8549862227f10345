package io.kuberay.harness.scenarios;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * Runs every feature under {@code features/} with the step library's glue. Reports and the naming
 * strategy are in {@code junit-platform.properties}, so that {@code -Dcucumber.filter.tags=...} or
 * {@code -Dcucumber.plugin=...} on the Maven command line replace them; {@code
 * -Dkuberay.backend=k3s|existing} runs the same features on another backend.
 */
@Suite
@IncludeEngines("cucumber")
@SelectPackages("features")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "io.kuberay.harness.cucumber")
class KubeRayScenariosTests {}
