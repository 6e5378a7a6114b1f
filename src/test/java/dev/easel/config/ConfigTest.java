package dev.easel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsApplyWithoutAnySource() {
    Config c = Config.defaults();
    assertThat(c.getInt(Settings.SERVER_PORT)).isEqualTo(8080);
    assertThat(c.source(Settings.SERVER_PORT)).isEqualTo("default");
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path file = dir.resolve("easel.yaml");
    Files.writeString(file, "server:\n  port: 7000\n  host: 0.0.0.0\nruntime:\n  threads: 3\n");
    Config c =
        Config.load(
            file,
            Map.of("EASEL_SERVER_PORT", "7100", "EASEL_RUNTIME_THREADS", "1"),
            Map.of("server.port", "7200"));
    assertThat(c.getInt(Settings.SERVER_PORT)).isEqualTo(7200);
    assertThat(c.getInt(Settings.RUNTIME_THREADS)).isEqualTo(1);
    assertThat(c.get(Settings.SERVER_HOST)).isEqualTo("0.0.0.0");
    assertThat(c.source(Settings.SERVER_HOST)).contains("config file");
  }

  @Test
  void badValuesNameTheKeyAndSource() {
    assertThatThrownBy(() -> Config.load(null, Map.of("EASEL_SERVER_PORT", "eighty"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.port")
        .hasMessageContaining("EASEL_SERVER_PORT")
        .hasMessageContaining("eighty");
  }

  @Test
  void wholeNumbersOutsideTheirRangeAreRefused() {
    assertThatThrownBy(() -> Config.load(null, Map.of(), Map.of("runtime.nice", "20")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'runtime.nice' (from command line) must be from 0 to 19, got '20'");
    assertThat(
            Config.load(null, Map.of(), Map.of("runtime.nice", "19")).getInt(Settings.RUNTIME_NICE))
        .isEqualTo(19);
  }

  @Test
  void everyWholeNumberSettingDeclaresItsRange() {
    assertThat(Settings.all())
        .filteredOn(s -> s.type() == Setting.Type.INT)
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.min()).as(s.key()).isGreaterThanOrEqualTo(0));
    assertThatThrownBy(() -> Config.load(null, Map.of("EASEL_ENGINE_MAX_BATCH", "0"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "'engine.max_batch' (from environment variable EASEL_ENGINE_MAX_BATCH) must be 1 or"
                + " more, got '0'");
    assertThatThrownBy(() -> Config.load(null, Map.of(), Map.of("server.port", "70000")))
        .hasMessageContaining("must be from 0 to 65535");
  }

  @Test
  void unknownKeysInTheFileAreRefused() throws Exception {
    Path file = dir.resolve("easel.yaml");
    Files.writeString(file, "server:\n  prot: 1\n");
    assertThatThrownBy(() -> Config.load(file, Map.of(), Map.of()))
        .hasMessageContaining("unknown configuration key 'server.prot'");
  }

  @Test
  void malformedYamlIsReportedWithTheFile() throws Exception {
    Path file = dir.resolve("easel.yaml");
    Files.writeString(file, "server: [unclosed\n");
    assertThatThrownBy(() -> Config.load(file, Map.of(), Map.of()))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not valid YAML");
  }
}
