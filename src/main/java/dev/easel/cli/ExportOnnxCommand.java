package dev.easel.cli;

import dev.easel.model.export.ModelExporter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code easel export-onnx MODEL_DIR OUT_DIR}: a diffusers folder as standalone ONNX models. */
@Command(
    name = "export-onnx",
    mixinStandardHelpOptions = true,
    description = {
      "Write every component of a diffusers model folder as a standalone ONNX model in the Optimum"
          + " layout (OUT_DIR/vae_encoder/model.onnx, vae_decoder/…, weights as external data in"
          + " model.onnx_data), with tokenizer, scheduler and configs copied.",
      "MODEL_DIR may also be a single component folder (config.json + safetensors)."
    })
public final class ExportOnnxCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "diffusers model folder.")
  Path modelDir;

  @Parameters(index = "1", paramLabel = "OUT_DIR", description = "New or empty output folder.")
  Path outDir;

  @Option(
      names = "--skip",
      paramLabel = "COMPONENT",
      split = ",",
      description = "Leave a component out (e.g. --skip safety_checker); repeatable.")
  List<String> skip = List.of();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(modelDir)) {
      throw new UsageException("MODEL_DIR " + modelDir + " is not a folder");
    }
    PrintWriter out = spec.commandLine().getOut();
    Set<String> skipped = new LinkedHashSet<>(skip);
    long start = System.nanoTime();
    var written =
        ModelExporter.export(
            modelDir,
            outDir,
            skipped,
            w -> {
              if (w.exported()) {
                out.printf(
                    "wrote %s/model.onnx (%.1f MB of weights)%n",
                    w.name(), w.weightBytes() / 1048576.0);
              } else {
                out.printf("copied %s/%n", w.name());
              }
              out.flush();
            });
    out.printf(
        "exported %d ONNX model(s) to %s in %.1f s%n",
        written.size(), outDir, (System.nanoTime() - start) / 1e9);
    return CommandLine.ExitCode.OK;
  }
}
