/**
 * The harness's settings: {@link io.kuberay.harness.settings.Setting} registers each {@code
 * kuberay.*} name with its environment variable, default and meaning; {@link
 * io.kuberay.harness.settings.SettingsReader} is the one reader of system properties, JUnit
 * configuration parameters and environment variables. Uses nothing else of the harness.
 */
package io.kuberay.harness.settings;
