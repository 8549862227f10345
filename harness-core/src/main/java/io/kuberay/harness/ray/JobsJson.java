package io.kuberay.harness.ray;

import io.kuberay.harness.Internal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON mapping for the Jobs API, by hand so that new fields in newer Ray versions are simply
 * ignored.
 */
@Internal
public final class JobsJson {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private JobsJson() {}

  public static String write(Object value) {
    return MAPPER.writeValueAsString(value);
  }

  static JsonNode read(String json) {
    return MAPPER.readTree(json);
  }

  static List<JobDetails> jobList(String json) {
    List<JobDetails> jobs = new ArrayList<>();
    read(json).forEach(n -> jobs.add(job(n)));
    return jobs;
  }

  static JobDetails job(JsonNode n) {
    JsonNode driver = n.path("driver_info");
    JobDetails.DriverInfo driverInfo =
        driver.isObject()
            ? new JobDetails.DriverInfo(
                text(driver, "id"), text(driver, "node_ip_address"), text(driver, "pid"))
            : null;
    String type = text(n, "type");
    return new JobDetails(
        type == null ? null : JobDetails.JobType.valueOf(type),
        text(n, "job_id"),
        text(n, "submission_id"),
        driverInfo,
        JobStatus.valueOf(text(n, "status")),
        text(n, "entrypoint"),
        text(n, "message"),
        text(n, "error_type"),
        instant(n, "start_time"),
        instant(n, "end_time"),
        n.path("metadata").isObject()
            ? Map.copyOf(
                MAPPER.convertValue(
                    n.path("metadata"), new TypeReference<Map<String, String>>() {}))
            : Map.of(),
        n.path("runtime_env").isObject()
            ? MAPPER.convertValue(
                n.path("runtime_env"), new TypeReference<Map<String, Object>>() {})
            : Map.of(),
        n.path("driver_exit_code").isNumber() ? n.path("driver_exit_code").asInt() : null);
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() ? null : v.asString();
  }

  private static Instant instant(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isNumber() && v.asLong() > 0 ? Instant.ofEpochMilli(v.asLong()) : null;
  }
}
