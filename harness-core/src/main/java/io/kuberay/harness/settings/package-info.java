/**
 * The harness's settings: {@link io.kuberay.harness.settings.Setting} registers each {@code
 * kuberay.*} name with its environment variable, default and meaning; {@link
 * io.kuberay.harness.settings.SettingsReader} is the one reader of system properties, JUnit
 * configuration parameters and environment variables; {@link io.kuberay.harness.settings.Durations}
 * reads durations as settings and adapters' options write them ({@code 90s}, {@code 2m}). Uses
 * nothing else of the harness.
 */
package io.kuberay.harness.settings;
