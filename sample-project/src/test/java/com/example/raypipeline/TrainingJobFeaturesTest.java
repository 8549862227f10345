package com.example.raypipeline;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * Runs this project's features with the harness's step library ({@code io.kuberay.harness.cucumber}) plus the
 * project's own steps ({@code com.example.raypipeline.steps}). Surefire picks it up like any other test class.
 */
@Suite
@IncludeEngines("cucumber")
@SelectPackages("com.example.raypipeline.features")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "io.kuberay.harness.cucumber,com.example.raypipeline.steps")
@ConfigurationParameter(key = PLUGIN_PROPERTY_NAME, value = "pretty, html:target/cucumber-reports/training.html")
class TrainingJobFeaturesTest {}
