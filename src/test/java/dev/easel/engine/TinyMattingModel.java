package dev.easel.engine;

import dev.easel.model.export.OnnxExporter;
import dev.easel.model.onnx.GraphBuilder;
import dev.easel.model.weights.RandomWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A matting model in the format rembg's models ship: one ONNX file taking an image [1, 3, S, S] and
 * giving a matte [1, 1, S, S] (here two random 3×3 convolutions, so the matte varies across the
 * picture).
 */
public final class TinyMattingModel {
  private TinyMattingModel() {}

  /** Writes {@code model.onnx} (with its weights beside it) into a new folder; returns the file. */
  public static Path write(int size) {
    GraphBuilder g = new GraphBuilder("matting", new RandomWeights(11));
    String x = g.input("input", 1L, 3L, (long) size, (long) size);
    String h = g.relu(g.conv2d(x, "conv1", 3, 8, 3, 1, 1, true));
    g.output("output", g.conv2d(h, "conv2", 8, 1, 3, 1, 1, true), 1L, 1L, (long) size, (long) size);
    try {
      Path dir = Files.createTempDirectory("easel-matting").resolve("model");
      OnnxExporter.write(g.build(), dir);
      return dir.resolve("model.onnx");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
