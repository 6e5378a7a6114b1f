package dev.easel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.model.clip.CLIPTokenizer;
import dev.easel.model.clip.TokenizedPrompt;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code easel tokenize}: shows how a model's CLIP tokenizer splits a prompt. */
@Command(
    name = "tokenize",
    description = {
      "Show the CLIP token ids and pieces of a prompt.",
      "Prompts longer than 75 tokens are split into chunks of 77 (start + 75 + end), never cut."
    })
public final class TokenizeCommand implements Callable<Integer> {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "Model folder (its tokenizer/ subfolder is used) or a tokenizer folder.")
  Path model;

  @Option(
      names = "--tokenizer",
      defaultValue = "tokenizer",
      paramLabel = "NAME",
      description =
          "Tokenizer subfolder of a model folder (default: ${DEFAULT-VALUE}; SDXL's"
              + " second encoder: tokenizer_2).")
  String subfolder;

  @Option(names = "--json", description = "Print a JSON object.")
  boolean json;

  @Option(
      names = "--pad",
      description = "Show the full padded rows of 77 ids (start, tokens, end, padding).")
  boolean pad;

  @Parameters(
      arity = "1..*",
      paramLabel = "PROMPT",
      description = "The prompt (several words are joined with spaces).")
  List<String> prompt;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CLIPTokenizer tokenizer = CLIPTokenizer.load(tokenizerDir());
    TokenizedPrompt tokens = tokenizer.tokenize(String.join(" ", prompt));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      printJson(out, tokenizer, tokens);
    } else {
      printText(out, tokenizer, tokens);
    }
    out.flush();
    return 0;
  }

  private Path tokenizerDir() {
    if (!Files.isDirectory(model)) {
      throw new UsageException("model folder not found: " + model);
    }
    if (Files.isRegularFile(model.resolve("vocab.json"))) {
      return model;
    }
    Path sub = model.resolve(subfolder);
    if (Files.isRegularFile(sub.resolve("vocab.json"))) {
      return sub;
    }
    throw new UsageException(
        model
            + " is neither a tokenizer folder nor a model folder: no vocab.json in it or in "
            + sub);
  }

  private void printText(PrintWriter out, CLIPTokenizer tokenizer, TokenizedPrompt tokens) {
    if (pad) {
      int[][] chunks = tokens.chunks();
      for (int c = 0; c < chunks.length; c++) {
        out.printf("# chunk %d of %d%n", c + 1, chunks.length);
        for (int i = 0; i < chunks[c].length; i++) {
          out.printf("%d\t%s%n", chunks[c][i], rowPiece(tokenizer, tokens, c, i));
        }
      }
    } else {
      for (int i = 0; i < tokens.tokenCount(); i++) {
        out.printf("%d\t%s%n", tokens.ids()[i], tokens.pieces().get(i));
      }
    }
    int chunkCount = tokens.chunks().length;
    out.printf(
        "%d tokens; %s %d chunk%s of %d (start + up to %d + end, padded with %s = %d)%n",
        tokens.tokenCount(),
        tokens.chunked() ? "chunked into" : "fits in",
        chunkCount,
        chunkCount == 1 ? "" : "s",
        tokenizer.maxLength(),
        tokenizer.maxLength() - 2,
        tokenizer.padToken(),
        tokenizer.padId());
  }

  /** The piece at position {@code i} of padded row {@code c}. */
  private static String rowPiece(CLIPTokenizer tokenizer, TokenizedPrompt tokens, int c, int i) {
    int perChunk = tokenizer.maxLength() - 2;
    int inChunk = Math.min(perChunk, tokens.tokenCount() - c * perChunk);
    if (i == 0) {
      return tokenizer.startToken();
    }
    if (i <= inChunk) {
      return tokens.pieces().get(c * perChunk + i - 1);
    }
    return i == inChunk + 1 ? tokenizer.endToken() : tokenizer.padToken();
  }

  private void printJson(PrintWriter out, CLIPTokenizer tokenizer, TokenizedPrompt tokens)
      throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ArrayNode ids = root.putArray("ids");
    Arrays.stream(tokens.ids()).forEach(ids::add);
    ArrayNode pieces = root.putArray("pieces");
    tokens.pieces().forEach(pieces::add);
    root.put("count", tokens.tokenCount());
    root.put("chunked", tokens.chunked());
    root.put("max_length", tokenizer.maxLength());
    root.put("pad_id", tokenizer.padId());
    ArrayNode chunks = root.putArray("chunks");
    int perChunk = tokenizer.maxLength() - 2;
    for (int c = 0; c < tokens.chunks().length; c++) {
      int[] row = tokens.chunks()[c];
      int length = pad ? row.length : Math.min(perChunk, tokens.tokenCount() - c * perChunk) + 2;
      ArrayNode chunk = chunks.addArray();
      Arrays.stream(row, 0, length).forEach(chunk::add);
    }
    out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
  }
}
