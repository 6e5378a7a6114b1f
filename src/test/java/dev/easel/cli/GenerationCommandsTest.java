package dev.easel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.image.DecodedImage;
import dev.easel.image.GenerationParameters;
import dev.easel.image.ImageDecoder;
import dev.easel.image.ImageEncoder;
import dev.easel.image.OutputFormat;
import dev.easel.image.PngChunks;
import dev.easel.image.RgbaImage;
import dev.easel.testing.CliRun;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code easel generate}, {@code edit} and {@code vary} on a model written by random-model. */
class GenerationCommandsTest {
  @TempDir static Path shared;
  static Path model;
  @TempDir Path tmp;

  @BeforeAll
  static void writeModel() {
    model = shared.resolve("tiny");
    CliRun run = CliRun.of("random-model", model.toString(), "--arch", "tiny");
    assertThat(run.exitCode()).as(run.err()).isZero();
  }

  /** Runs a command against the tiny model with one ONNX Runtime thread. */
  static CliRun easel(String command, String... args) {
    List<String> all = new ArrayList<>(List.of("--set", "runtime.threads=1", command));
    all.addAll(List.of("--model", model.toString()));
    all.addAll(List.of(args));
    return CliRun.of(all.toArray(String[]::new));
  }

  static RgbaImage read(Path png) throws Exception {
    DecodedImage d = ImageDecoder.decode(Files.readAllBytes(png));
    return d.image();
  }

  static GenerationParameters parameters(Path png) throws Exception {
    Map<String, String> text = PngChunks.textChunks(Files.readAllBytes(png));
    return GenerationParameters.parse(text.get(GenerationParameters.PNG_KEYWORD));
  }

  static Path writePng(Path file, RgbaImage img) throws Exception {
    Files.write(file, ImageEncoder.encode(img, OutputFormat.PNG, 100, Map.of()));
    return file;
  }

  static RgbaImage picture(int width, int height) {
    byte[] rgba = new byte[width * height * 4];
    for (int i = 0; i < width * height; i++) {
      int x = i % width;
      int y = i / width;
      rgba[i * 4] = (byte) (x * 255 / width);
      rgba[i * 4 + 1] = (byte) (y * 255 / height);
      rgba[i * 4 + 2] = (byte) ((x + y) % 64 < 32 ? 220 : 40);
      rgba[i * 4 + 3] = (byte) 255;
    }
    return new RgbaImage(width, height, rgba);
  }

  List<String> filesIn(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void generateWritesOnePngPerImageWithItsParameters() throws Exception {
    Path out = tmp.resolve("out.png");
    CliRun run =
        easel(
            "generate",
            "a lighthouse at dusk",
            "-o",
            out.toString(),
            "--n",
            "2",
            "--size",
            "32x48",
            "--steps",
            "2",
            "--seed",
            "5",
            "--negative",
            "fog");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(filesIn(tmp)).containsExactly("out-1.png", "out-2.png");
    assertThat(run.out()).contains("out-1.png (seed 5)", "out-2.png (seed 6)");
    for (int k = 1; k <= 2; k++) {
      Path file = tmp.resolve("out-" + k + ".png");
      RgbaImage img = read(file);
      assertThat(img.width()).isEqualTo(32);
      assertThat(img.height()).isEqualTo(48);
      GenerationParameters p = parameters(file);
      assertThat(p.prompt()).isEqualTo("a lighthouse at dusk");
      assertThat(p.negativePrompt()).isEqualTo("fog");
      assertThat(p.seed()).isEqualTo(4 + k);
      assertThat(p.steps()).isEqualTo(2);
      assertThat(p.width()).isEqualTo(32);
      assertThat(p.height()).isEqualTo(48);
      assertThat(p.cfgScale()).isEqualTo(7.5);
      assertThat(p.model()).isEqualTo("tiny");
      assertThat(p.sampler()).as("the model's own scheduler").isEqualTo("Euler a");
    }
    Path again = tmp.resolve("again.png");
    CliRun second =
        easel(
            "generate",
            "a lighthouse at dusk",
            "-o",
            again.toString(),
            "--size",
            "32x48",
            "--steps",
            "2",
            "--seed",
            "6",
            "--negative",
            "fog");
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(read(again).rgba()).isEqualTo(read(tmp.resolve("out-2.png")).rgba());
    CliRun karras =
        easel(
            "generate",
            "a lighthouse at dusk",
            "-o",
            tmp.resolve("karras.png").toString(),
            "--size",
            "32x48",
            "--steps",
            "2",
            "--scheduler",
            "dpmpp_2m_karras");
    assertThat(karras.exitCode()).as(karras.err()).isZero();
    assertThat(parameters(tmp.resolve("karras.png")).sampler()).isEqualTo("DPM++ 2M Karras");
  }

  @Test
  void editRegeneratesTheMaskedRegionOnly() throws Exception {
    RgbaImage source = picture(32, 32);
    byte[] maskBytes = new byte[32 * 32 * 4];
    for (int i = 0; i < 32 * 32; i++) {
      maskBytes[i * 4 + 3] = (byte) (i % 32 < 16 ? 255 : 0);
    }
    Path image = writePng(tmp.resolve("in.png"), source);
    Path mask = writePng(tmp.resolve("mask.png"), new RgbaImage(32, 32, maskBytes));
    Path out = tmp.resolve("edited.png");
    CliRun run =
        easel(
            "edit",
            "--image",
            image.toString(),
            "--mask",
            mask.toString(),
            "a boat",
            "-o",
            out.toString(),
            "--steps",
            "2",
            "--seed",
            "1");
    assertThat(run.exitCode()).as(run.err()).isZero();
    RgbaImage edited = read(out);
    int changed = 0;
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        for (int c = 0; c < 4; c++) {
          if (x < 16) {
            assertThat(edited.channel(x, y, c)).isEqualTo(source.channel(x, y, c));
          } else if (edited.channel(x, y, c) != source.channel(x, y, c)) {
            changed++;
          }
        }
      }
    }
    assertThat(changed).isGreaterThan(16 * 32);
    assertThat(parameters(out).prompt()).isEqualTo("a boat");
  }

  @Test
  void editExtendOutpaintsANewBorder() throws Exception {
    RgbaImage source = picture(32, 32);
    Path image = writePng(tmp.resolve("in.png"), source);
    Path out = tmp.resolve("wider.png");
    CliRun run =
        easel(
            "edit",
            "--image",
            image.toString(),
            "--extend",
            "0,0,32,0",
            "more sea",
            "-o",
            out.toString(),
            "--steps",
            "2");
    assertThat(run.exitCode()).as(run.err()).isZero();
    RgbaImage wider = read(out);
    assertThat(wider.width()).isEqualTo(64);
    assertThat(wider.height()).isEqualTo(32);
    long sum = 0;
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 64; x++) {
        if (x < 32) {
          for (int c = 0; c < 4; c++) {
            assertThat(wider.channel(x, y, c)).isEqualTo(source.channel(x, y, c));
          }
        } else {
          assertThat(wider.alpha(x, y)).isEqualTo(255);
          sum += wider.channel(x, y, 0) + wider.channel(x, y, 1) + wider.channel(x, y, 2);
        }
      }
    }
    assertThat(sum).as("the new area is not black").isGreaterThan(32 * 32 * 3 * 5);
  }

  @Test
  void varyMakesDifferentVariationsOfTheImage() throws Exception {
    Path image = writePng(tmp.resolve("in.png"), picture(32, 32));
    Path out = tmp.resolve("v.png");
    CliRun run =
        easel(
            "vary", "--image", image.toString(), "-o", out.toString(), "--n", "2", "--steps", "4");
    assertThat(run.exitCode()).as(run.err()).isZero();
    RgbaImage a = read(tmp.resolve("v-1.png"));
    RgbaImage b = read(tmp.resolve("v-2.png"));
    assertThat(a.width()).isEqualTo(32);
    assertThat(a.rgba()).isNotEqualTo(b.rgba());
    GenerationParameters p = parameters(tmp.resolve("v-1.png"));
    assertThat(p.prompt()).isEmpty();
    assertThat(p.cfgScale()).isEqualTo(1);
    assertThat(p.seed() + 1).isEqualTo(parameters(tmp.resolve("v-2.png")).seed());
  }

  /** A bad request fails with exit code 2, one clear line and no file written. */
  void assertRefused(CliRun run, String... message) throws Exception {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(message).doesNotContain("\tat ", "Exception");
    assertThat(filesIn(tmp)).allMatch(f -> f.startsWith("in") || f.startsWith("mask"));
  }

  @Test
  void badInputFailsClearlyWithoutWritingAFile() throws Exception {
    Path image = writePng(tmp.resolve("in.png"), picture(32, 32));
    Path smallMask = writePng(tmp.resolve("mask.png"), picture(16, 16));
    String out = tmp.resolve("out.png").toString();
    assertRefused(
        easel("edit", "--image", image.toString(), "--mask", smallMask.toString(), "x", "-o", out),
        "--mask is 16x16 but --image is 32x32");

    BufferedImage gif = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream gifBytes = new ByteArrayOutputStream();
    ImageIO.write(gif, "gif", gifBytes);
    Path gifFile = Files.write(tmp.resolve("in.gif"), gifBytes.toByteArray());
    assertRefused(easel("vary", "--image", gifFile.toString(), "-o", out), "GIF");

    BufferedImage wide = new BufferedImage(9000, 1, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream wideBytes = new ByteArrayOutputStream();
    ImageIO.write(wide, "png", wideBytes);
    Path wideFile = Files.write(tmp.resolve("in-wide.png"), wideBytes.toByteArray());
    assertRefused(easel("vary", "--image", wideFile.toString(), "-o", out), "9000");

    assertRefused(
        easel("vary", "--image", tmp.resolve("in-missing.png").toString(), "-o", out),
        "no such file");
    assertRefused(easel("generate", "x", "-o", out, "--size", "31x32"), "multiples of 2");
    assertRefused(easel("generate", "x", "-o", out, "--size", "big"), "--size must look like");
    assertRefused(easel("generate", "x", "-o", out, "--steps", "0"), "steps");
    assertRefused(
        easel("vary", "--image", image.toString(), "-o", out, "--strength", "2"), "strength");
    assertRefused(
        easel("generate", "x", "-o", out, "--scheduler", "k_lms"), "k_lms", "euler_a", "ddim");
    assertRefused(easel("generate", "x", "-o", out, "--n", "0"), "--n");
    assertRefused(
        easel("generate", "x", "-o", tmp.resolve("out.gif").toString()), "'.gif'", ".webp");
    assertRefused(easel("generate", "x", "-o", tmp.toString()), "is a directory");
  }

  @Test
  void badSizesAndSchedulersAreRefusedBeforeTheWeightsLoad() throws Exception {
    Path configsOnly = tmp.resolve("configs-only");
    try (Stream<Path> files = Files.walk(model)) {
      for (Path f : files.toList()) {
        Path copy = configsOnly.resolve(model.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(copy);
        } else if (!f.toString().endsWith(".safetensors")) {
          Files.copy(f, copy);
        }
      }
    }
    String out = tmp.resolve("out.png").toString();
    String folder = configsOnly.toString();
    CliRun size = CliRun.of("generate", "--model", folder, "x", "-o", out, "--size", "31x32");
    assertThat(size.exitCode()).as(size.err()).isEqualTo(2);
    assertThat(size.err()).contains("multiples of 2");
    CliRun scheduler =
        CliRun.of("generate", "--model", folder, "x", "-o", out, "--scheduler", "k_lms");
    assertThat(scheduler.exitCode()).as(scheduler.err()).isEqualTo(2);
    assertThat(scheduler.err()).contains("unknown scheduler \"k_lms\"", "euler_a");
    CliRun fine = CliRun.of("generate", "--model", folder, "x", "-o", out, "--size", "32x32");
    assertThat(fine.exitCode()).as("a valid request reaches the missing weights").isNotZero();
    assertThat(fine.err()).contains("safetensors");
    assertThat(tmp.resolve("out.png")).doesNotExist();
  }

  @Test
  void theOutputFormatFollowsTheFileExtension() throws Exception {
    Map<String, String> magic = Map.of("jpg", "ffd8ff", "jpeg", "ffd8ff", "webp", "52494646");
    for (var e : magic.entrySet()) {
      Path out = tmp.resolve("out." + e.getKey());
      CliRun run = easel("generate", "x", "-o", out.toString(), "--size", "32x32");
      assertThat(run.exitCode()).as(run.err()).isZero();
      byte[] bytes = Files.readAllBytes(out);
      assertThat(HexFormat.of().formatHex(bytes, 0, e.getValue().length() / 2))
          .as(out.toString())
          .isEqualTo(e.getValue());
      assertThat(ImageIO.read(out.toFile()).getWidth()).isEqualTo(32);
    }
  }

  @Test
  void winogradSettingsLeaveTheImageAsItIs() throws Exception {
    Path direct = tmp.resolve("direct.png");
    Path winograd = tmp.resolve("winograd.png");
    for (Path out : List.of(direct, winograd)) {
      CliRun run =
          CliRun.of(
              "--set",
              "runtime.threads=1",
              "--set",
              "engine.winograd-levels=" + (out == direct ? 0 : 4),
              "--set",
              "engine.vae-winograd=" + (out != direct),
              "generate",
              "--model",
              model.toString(),
              "x",
              "-o",
              out.toString(),
              "--size",
              "32x32",
              "--seed",
              "5");
      assertThat(run.exitCode()).as(run.err()).isZero();
    }
    byte[] a = read(direct).rgba();
    byte[] b = read(winograd).rgba();
    for (int i = 0; i < a.length; i++) {
      assertThat(Math.abs((a[i] & 0xff) - (b[i] & 0xff))).as("byte %d", i).isLessThanOrEqualTo(1);
    }

    CliRun negative =
        CliRun.of(
            "--set",
            "engine.winograd-levels=-1",
            "generate",
            "--model",
            model.toString(),
            "x",
            "-o",
            tmp.resolve("never.png").toString());
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.err())
        .contains("'engine.winograd-levels' (from command line) must be 0 or more, got '-1'");
    assertThat(tmp.resolve("never.png")).doesNotExist();
  }

  @Test
  void anExportedModelGeneratesTheSameImage() throws Exception {
    Path onnx = tmp.resolve("onnx");
    CliRun export = CliRun.of("export-onnx", model.toString(), onnx.toString());
    assertThat(export.exitCode()).as(export.err()).isZero();
    assertThat(export.out()).contains("wrote unet/model.onnx", "wrote text_encoder/model.onnx");
    Path fromFolder = tmp.resolve("a.png");
    Path fromOnnx = tmp.resolve("b.png");
    assertThat(
            easel("generate", "x", "-o", fromFolder.toString(), "--size", "32x32", "--seed", "3")
                .exitCode())
        .isZero();
    CliRun run =
        CliRun.of(
            "--set",
            "runtime.threads=1",
            "generate",
            "--model",
            onnx.toString(),
            "x",
            "-o",
            fromOnnx.toString(),
            "--size",
            "32x32",
            "--seed",
            "3");
    assertThat(run.exitCode()).as(run.err()).isZero();
    RgbaImage a = read(fromFolder);
    RgbaImage b = read(fromOnnx);
    for (int i = 0; i < a.rgba().length; i++) {
      assertThat(Math.abs((a.rgba()[i] & 0xff) - (b.rgba()[i] & 0xff))).isLessThanOrEqualTo(1);
    }
  }
}
