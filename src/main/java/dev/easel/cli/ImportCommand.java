package dev.easel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.config.Config;
import dev.easel.hub.CheckpointImporter;
import dev.easel.hub.HubOptions;
import dev.easel.hub.LocalModels;
import dev.easel.hub.ModelLocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code easel import FILE.safetensors}: a single-file checkpoint to a diffusers folder. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Convert an original-layout single-file checkpoint (SD 1.x, SD 2.x or SDXL base, as"
          + " .safetensors) into a diffusers-layout model folder in models.dir.",
      "The CLIP vocabulary is not part of Easel: it is taken from a model already present"
          + " (pulled or in models.dir), or from --vocab DIR. Pickles (.ckpt/.pt/.bin) are"
          + " refused: they can run arbitrary code."
    })
public final class ImportCommand implements Runnable {
  private static final int CLIP_VOCAB_SIZE = 49408;

  @CommandLine.ParentCommand EaselCommand root;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The .safetensors checkpoint.")
  Path file;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Folder name in models.dir (default: the file name without extension).")
  String name;

  @Option(
      names = "--vocab",
      paramLabel = "DIR",
      description = "Folder with the CLIP vocab.json and merges.txt (e.g. a model's tokenizer/).")
  Path vocab;

  @Override
  public void run() {
    Config config = root.config();
    CheckpointImporter.refusePickle(file);
    if (!Files.isRegularFile(file)) {
      throw new UsageException("no such file: " + file);
    }
    String fileName = file.getFileName().toString();
    String folder =
        name != null
            ? name
            : fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
    if (folder.isEmpty()
        || folder.contains("/")
        || folder.contains("\\")
        || folder.startsWith(".")) {
      throw new UsageException("--name must be a plain folder name, got '" + folder + "'");
    }
    Path tokenizer = vocab != null ? vocab : findVocabulary(config);
    Path out = ModelLocator.modelsDir(config).resolve(folder);
    try {
      CheckpointImporter.Result r = CheckpointImporter.importCheckpoint(file, out, tokenizer);
      spec.commandLine()
          .getOut()
          .printf(
              "imported %s (%s checkpoint, %d tensors) to %s; use it with --model %s%n",
              fileName, r.family().architecture(), r.tensors(), r.folder(), folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /** A real CLIP vocabulary from a model that is already here. */
  private static Path findVocabulary(Config config) {
    try {
      for (LocalModels.LocalModel m : new LocalModels(config, HubOptions.of(config)).list()) {
        Path tok = m.path().resolve("tokenizer");
        Path textConfig = m.path().resolve("text_encoder/config.json");
        if (Files.isRegularFile(tok.resolve("vocab.json"))
            && Files.isRegularFile(tok.resolve("merges.txt"))
            && Files.isRegularFile(textConfig)
            && new ObjectMapper().readTree(textConfig.toFile()).path("vocab_size").asInt()
                == CLIP_VOCAB_SIZE) {
          return tok;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    throw new UsageException(
        "the CLIP vocabulary is not shipped with Easel and no local model has it: pass --vocab"
            + " DIR (a folder with vocab.json and merges.txt, such as any Stable Diffusion model's"
            + " tokenizer/ folder), or pull a model first (easel pull stabilityai/sd-turbo)");
  }
}
