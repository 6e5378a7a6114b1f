package dev.easel.engine.scheduler;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * The keys of a diffusers {@code scheduler/scheduler_config.json} that the schedulers read. A
 * component is {@code null} when the file does not set the key: each scheduler then uses its own
 * diffusers default, as {@code from_config} does when switching scheduler class (diffusers drops
 * the keys that were filled with defaults, see {@code _use_default_values}). Unknown keys are
 * ignored; values that a scheduler cannot honour are refused when that scheduler is built.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchedulerConfig(
    @JsonProperty("_class_name") String className,
    Integer numTrainTimesteps,
    Double betaStart,
    Double betaEnd,
    String betaSchedule,
    double[] trainedBetas,
    String predictionType,
    String timestepSpacing,
    Integer stepsOffset,
    Boolean rescaleBetasZeroSnr,
    Boolean useKarrasSigmas,
    Boolean useExponentialSigmas,
    Boolean useBetaSigmas,
    Boolean useLuLambdas,
    Boolean useFlowSigmas,
    Boolean useDynamicShifting,
    Double sigmaMin,
    Double sigmaMax,
    String interpolationType,
    String timestepType,
    String finalSigmasType,
    Boolean lowerOrderFinal,
    Boolean eulerAtFinal,
    Integer solverOrder,
    String solverType,
    String algorithmType,
    Double lambdaMinClipped,
    String varianceType,
    Boolean thresholding,
    Boolean clipSample,
    Double clipSampleRange,
    Boolean setAlphaToOne,
    Integer originalInferenceSteps,
    Double timestepScaling) {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** A configuration that sets nothing: every scheduler uses its diffusers defaults. */
  public static final SchedulerConfig EMPTY = parse("{}");

  /**
   * Parses the text of a scheduler_config.json. diffusers writes {@code -Infinity} for {@code
   * lambda_min_clipped}, which is accepted.
   *
   * @throws IllegalArgumentException if the text is not JSON or a key has a value of the wrong type
   */
  public static SchedulerConfig parse(String json) {
    try {
      return JSON.readValue(json, SchedulerConfig.class);
    } catch (JsonMappingException e) {
      String key =
          e.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      throw new IllegalArgumentException(
          "scheduler config: bad value for " + key + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "scheduler config is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads and parses a scheduler_config.json file. */
  public static SchedulerConfig read(Path file) throws IOException {
    try {
      return parse(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** A copy with one key (its scheduler_config.json name) set to {@code value}. */
  public SchedulerConfig with(String key, Object value) {
    ObjectNode tree = JSON.valueToTree(this);
    tree.set(key, JSON.valueToTree(value));
    try {
      return JSON.treeToValue(tree, SchedulerConfig.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("scheduler config: bad value for " + key, e);
    }
  }
}
