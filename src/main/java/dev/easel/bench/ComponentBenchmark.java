package dev.easel.bench;

import dev.easel.engine.EngineOptions;
import dev.easel.model.clip.CLIPTextConfig;
import dev.easel.model.clip.CLIPTextModel;
import dev.easel.model.onnx.OnnxGraph;
import dev.easel.model.unet.AttentionKernel;
import dev.easel.model.unet.UNet2DConditionConfig;
import dev.easel.model.unet.UNet2DConditionModel;
import dev.easel.model.vae.AutoencoderKL;
import dev.easel.model.vae.AutoencoderKLConfig;
import dev.easel.model.vae.AutoencoderTiny;
import dev.easel.model.vae.AutoencoderTinyConfig;
import dev.easel.model.weights.RandomWeights;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Forward time of each SD-Turbo-shaped component at full size (random weights built in memory),
 * batch 1, against the known cost of one forward pass.
 */
public final class ComponentBenchmark {
  /** Known costs at 512×512 (64×64 latents), batch 1, in TFLOP; they scale with the pixel count. */
  public static final Map<String, Double> TERAFLOPS_512 =
      Map.of("unet", 0.80, "vae_decoder", 2.5, "taesd_decoder", 0.14, "text_encoder", 0.045);

  private ComponentBenchmark() {}

  /** The components {@code easel bench} knows. */
  public static final List<String> NAMES =
      List.of("text_encoder", "unet", "vae_decoder", "taesd_decoder");

  public static ComponentTiming run(
      OnnxRuntimes runtimes,
      String component,
      int size,
      int repeat,
      EngineOptions engine,
      double peakGflops,
      Consumer<String> log) {
    System.gc(); // the previous component's buffers, so they do not count towards this peak
    MemoryUsage.resetPeak();
    int latent = size / 8;
    double scale = (size / 512.0) * (size / 512.0);
    RandomWeights w = new RandomWeights(1);
    OnnxGraph graph;
    Map<String, Object> inputs = new LinkedHashMap<>();
    double tflops = TERAFLOPS_512.get(component) * (component.equals("text_encoder") ? 1 : scale);
    switch (component) {
      case "unet" -> {
        UNet2DConditionConfig cfg = UNet2DConditionConfig.sdTurbo();
        graph =
            UNet2DConditionModel.build(
                cfg, w, AttentionKernel.MULTI_HEAD_ATTENTION, engine.winogradLevels());
        inputs.put(UNet2DConditionModel.SAMPLE, FloatTensor.zeros(1, 4, latent, latent));
        inputs.put(
            UNet2DConditionModel.TIMESTEP, new FloatTensor(new long[] {1}, new float[] {999}));
        inputs.put(UNet2DConditionModel.ENCODER_HIDDEN_STATES, FloatTensor.zeros(1, 77, 1024));
      }
      case "vae_decoder" -> {
        graph = AutoencoderKL.decoder(AutoencoderKLConfig.sd(), w, engine.vaeWinograd());
        inputs.put(AutoencoderKL.LATENT_SAMPLE, FloatTensor.zeros(1, 4, latent, latent));
      }
      case "taesd_decoder" -> {
        graph =
            AutoencoderTiny.decoder(
                AutoencoderTinyConfig.sd(4), w, AutoencoderTiny.Layout.DIFFUSERS);
        inputs.put(AutoencoderTiny.LATENT, FloatTensor.zeros(1, 4, latent, latent));
      }
      case "text_encoder" -> {
        graph = CLIPTextModel.build(CLIPTextConfig.sd21(), w, CLIPTextModel.Options.DEFAULT);
        long[][] ids = new long[1][77];
        ids[0][0] = 49406;
        ids[0][1] = 49407;
        inputs.put(CLIPTextModel.INPUT_IDS, ids);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown component '" + component + "'; known: " + String.join(", ", NAMES));
    }
    log.accept(component + ": built " + (graph.weightBytes() >> 20) + " MB of float32 weights");
    long loadStart = System.nanoTime();
    try (OnnxSession s = runtimes.open(graph)) {
      double load = (System.nanoTime() - loadStart) / 1e9;
      s.run(inputs);
      long best = Long.MAX_VALUE;
      for (int i = 0; i < repeat; i++) {
        long t0 = System.nanoTime();
        s.run(inputs);
        best = Math.min(best, System.nanoTime() - t0);
      }
      log.accept(
          String.format("%s: session %.1f s, best forward %.3f s", component, load, best / 1e9));
      return new ComponentTiming(
          component,
          best / 1e9,
          tflops,
          peakGflops,
          graph.weightBytes(),
          MemoryUsage.peakResidentBytes());
    }
  }
}
